using System.Text;
using System.Text.Json;
using IronLb.LocalSidecar.PubSub;

namespace IronLb.Dapr.Tests.Sidecar.Units;

public sealed class CloudEventEnvelopeTests
{
    private static readonly CloudEventEnvelope.Context Context =
        new("ipam", "intents", "pubsub", "00-0123456789abcdef0123456789abcdef-0123456789abcdef-01", null, new DateTimeOffset(2026, 11, 25, 12, 30, 0, TimeSpan.Zero));

    [Fact]
    public void Wrap_JsonPayload_DataInlineWithDaprAttributes()
    {
        var envelope = Parse(CloudEventEnvelope.Wrap("{\"a\":[1,2]}"u8, "application/json", Context));

        Assert.Equal("ipam", envelope.GetProperty("source").GetString());
        Assert.Equal("com.dapr.event.sent", envelope.GetProperty("type").GetString());
        Assert.Equal("1.0", envelope.GetProperty("specversion").GetString());
        Assert.Equal("application/json", envelope.GetProperty("datacontenttype").GetString());
        Assert.Equal("intents", envelope.GetProperty("topic").GetString());
        Assert.Equal("pubsub", envelope.GetProperty("pubsubname").GetString());
        Assert.Equal(Context.TraceParent, envelope.GetProperty("traceparent").GetString());
        Assert.Equal("2026-11-25T12:30:00Z", envelope.GetProperty("time").GetString());
        Assert.Equal(2, envelope.GetProperty("data").GetProperty("a").GetArrayLength());
        Assert.True(Guid.TryParse(envelope.GetProperty("id").GetString(), out _));
    }

    [Fact]
    public void Wrap_NoContentType_TextPlainStringData()
    {
        var envelope = Parse(CloudEventEnvelope.Wrap("hello"u8, null, Context));

        Assert.Equal("text/plain", envelope.GetProperty("datacontenttype").GetString());
        Assert.Equal("hello", envelope.GetProperty("data").GetString());
    }

    [Fact]
    public void Wrap_BinaryPayload_DataBase64()
    {
        byte[] payload = [0, 1, 2, 255];

        var envelope = Parse(CloudEventEnvelope.Wrap(payload, "application/octet-stream", Context));

        Assert.Equal(payload, envelope.GetProperty("data_base64").GetBytesFromBase64());
        Assert.False(envelope.TryGetProperty("data", out _));
    }

    [Fact]
    public void Wrap_TextContentTypeButNotUtf8_DataBase64()
    {
        byte[] payload = [0xff, 0xfe, 0x41];

        var envelope = Parse(CloudEventEnvelope.Wrap(payload, "text/plain", Context));

        Assert.Equal(payload, envelope.GetProperty("data_base64").GetBytesFromBase64());
    }

    [Fact]
    public void Wrap_NoTraceParent_StartsW3CTrace()
    {
        var envelope = Parse(CloudEventEnvelope.Wrap("{}"u8, "application/json", Context with { TraceParent = null }));

        Assert.Matches("^00-[0-9a-f]{32}-[0-9a-f]{16}-01$", envelope.GetProperty("traceparent").GetString());
    }

    [Fact]
    public void Complete_AppBuiltEnvelope_KeepsItsFieldsFillsMissingAndSetsTopic()
    {
        var own = Encoding.UTF8.GetBytes("""{"id":"mine","source":"elsewhere","type":"custom","specversion":"1.0","topic":"wrong","data":{"x":1},"extension":"kept"}""");

        var envelope = Parse(CloudEventEnvelope.Complete(own, Context));

        Assert.Equal("mine", envelope.GetProperty("id").GetString());
        Assert.Equal("elsewhere", envelope.GetProperty("source").GetString());
        Assert.Equal("custom", envelope.GetProperty("type").GetString());
        Assert.Equal("kept", envelope.GetProperty("extension").GetString());
        Assert.Equal("intents", envelope.GetProperty("topic").GetString());
        Assert.Equal("pubsub", envelope.GetProperty("pubsubname").GetString());
        Assert.Equal(Context.TraceParent, envelope.GetProperty("traceparent").GetString());
    }

    [Fact]
    public void Complete_NotAnObject_Throws() =>
        Assert.ThrowsAny<JsonException>(() => CloudEventEnvelope.Complete("[1]"u8, Context));

    [Theory]
    [InlineData("application/cloudevents+json", true)]
    [InlineData("application/cloudevents+json; charset=utf-8", true)]
    [InlineData("application/json", false)]
    [InlineData(null, false)]
    public void IsCloudEvent_ContentType_Recognised(string? contentType, bool expected) =>
        Assert.Equal(expected, CloudEventEnvelope.IsCloudEvent(contentType));

    private static JsonElement Parse(byte[] json) => JsonDocument.Parse(json).RootElement.Clone();
}
