using IronLb.Bgp.Protocol;
using static IronLb.Bgp.Tests.Protocol.BgpMessageReaderTests;
using static IronLb.Bgp.Tests.Protocol.MessageSamples;

namespace IronLb.Bgp.Tests.Protocol;

public sealed class OpenReaderTests
{
    [Fact]
    public void Read_Version3_UnsupportedVersionNumberWithVersion4AsData()
    {
        var bytes = Encode(Open());
        bytes[19] = 3;

        var result = Decode(bytes);

        AssertError(result, BgpErrorCode.OpenMessage, BgpErrorSubcode.UnsupportedVersionNumber);
        Assert.Equal([0, 4], result.Error!.Data.ToArray());
    }

    [Fact]
    public void Read_UnknownOptionalParameter_UnsupportedOptionalParameter()
    {
        var bytes = Encode(Open());
        bytes[29] = 1; // the deprecated Authentication parameter

        AssertError(Decode(bytes), BgpErrorCode.OpenMessage, BgpErrorSubcode.UnsupportedOptionalParameter);
    }

    [Fact]
    public void Read_OptionalParameterLengthDisagrees_OpenMessageError()
    {
        var bytes = Encode(Open());
        bytes[28]--;

        AssertError(Decode(bytes), BgpErrorCode.OpenMessage, BgpErrorSubcode.Unspecific);
    }

    [Fact]
    public void Read_CapabilityOverrunsParameter_OpenMessageError()
    {
        var bytes = Encode(Open());
        bytes[32]++; // length of the first capability

        AssertError(Decode(bytes), BgpErrorCode.OpenMessage, BgpErrorSubcode.Unspecific);
    }

    [Fact]
    public void Read_FourOctetAsCapabilityOfWrongLength_OpenMessageError()
    {
        var open = new OpenMessage(4, 1, 90, 1, [new UnknownCapability((byte)CapabilityCode.FourOctetAs, [0, 0, 1])]);

        AssertError(Decode(Encode(open)), BgpErrorCode.OpenMessage, BgpErrorSubcode.Unspecific);
    }

    [Fact]
    public void Read_UnknownCapability_KeptAsUnknown()
    {
        var open = new OpenMessage(4, 1, 90, 1, [new UnknownCapability(73, [1, 2])]);

        var decoded = Assert.IsType<OpenMessage>(Decode(Encode(open)).Message);

        Assert.Equal(open.Capabilities, decoded.Capabilities);
    }
}
