using System.Text;
using IronLb.LocalSidecar.PubSub;

namespace IronLb.Dapr.Tests.Sidecar.Units;

public sealed class AppResponseClassifierTests
{
    [Theory]
    [InlineData(200, "", "Success")]
    [InlineData(204, "", "Success")]
    [InlineData(200, "{\"status\":\"SUCCESS\"}", "Success")]
    [InlineData(200, "{\"status\":\"success\"}", "Success")]
    [InlineData(200, "{}", "Success")]
    [InlineData(200, "not json", "Success")]
    [InlineData(200, "{\"status\":\"RETRY\"}", "Retry")]
    [InlineData(200, "{\"status\":\"BOGUS\"}", "Retry")]
    [InlineData(200, "{\"status\":\"DROP\"}", "Drop")]
    [InlineData(404, "{\"status\":\"SUCCESS\"}", "NotFound")]
    [InlineData(500, "", "Retry")]
    [InlineData(400, "{\"status\":\"SUCCESS\"}", "Retry")]
    [InlineData(302, "", "Retry")]
    public void Classify_StatusAndBody_DaprMeaning(int status, string body, string expected) =>
        Assert.Equal(Enum.Parse<AppResponse>(expected), AppResponseClassifier.Classify(status, Encoding.UTF8.GetBytes(body)));
}
