using System.Text.Json.Nodes;
using IronLb.Ipam.Kubernetes;

namespace IronLb.Ipam.Tests.Kubernetes;

public class FirstSeenIngressTests
{
    private static JsonObject Service(string uid, params string[] ingress) => new()
    {
        ["metadata"] = new JsonObject { ["namespace"] = "shop", ["name"] = "web", ["uid"] = uid },
        ["status"] = new JsonObject { ["loadBalancer"] = new JsonObject { ["ingress"] = new JsonArray([.. ingress.Select(ip => (JsonNode)new JsonObject { ["ip"] = ip })]) } },
    };

    private static string[] Ips(IReadOnlyDictionary<string, JsonArray> seen, string uid) =>
        [.. seen[uid].Select(i => i!["ip"]!.GetValue<string>())];

    [Fact]
    public void Update_LaterStatusChange_FirstSeenKept()
    {
        var first = new FirstSeenIngress();
        first.Update([Service("u1", "203.0.113.20")]);

        var seen = first.Update([Service("u1", "203.0.113.3")]);

        Assert.Equal(["203.0.113.20"], Ips(seen, "u1"));
    }

    [Fact]
    public void Update_ServiceGoneThenCreatedAgain_NewObjectSeenAfresh()
    {
        var first = new FirstSeenIngress();
        first.Update([Service("u1", "203.0.113.20")]);
        Assert.Empty(first.Update([]));

        var seen = first.Update([Service("u2")]);

        Assert.Empty(seen["u2"]);
        Assert.False(seen.ContainsKey("u1"));
    }
}
