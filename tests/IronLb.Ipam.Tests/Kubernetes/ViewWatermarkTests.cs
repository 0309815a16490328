using IronLb.Ipam.Kubernetes;

namespace IronLb.Ipam.Tests.Kubernetes;

public class ViewWatermarkTests
{
    [Fact]
    public void TryRead_Label_GivesTheResourceVersionBack()
    {
        Assert.True(ViewWatermark.TryRead(ViewWatermark.Label(123456), out var version));
        Assert.Equal(123456, version);
    }

    [Theory]
    [InlineData("/srv/manifests")]
    [InlineData("kubernetes")]
    [InlineData("kubernetes@")]
    [InlineData("kubernetes@-5")]
    [InlineData("kubernetes@12ab")]
    public void TryRead_OtherSources_False(string source)
    {
        Assert.False(ViewWatermark.TryRead(source, out _));
    }
}
