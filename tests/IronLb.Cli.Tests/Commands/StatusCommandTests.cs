using System.Text.Json;
using IronLb.Cli.Commands;

namespace IronLb.Cli.Tests.Commands;

public class StatusCommandTests
{
    [Fact]
    public void Render_Sections_HeadingsScalarsAndTables()
    {
        using var document = JsonDocument.Parse("""
            {"ipam":{"configVersion":3,"services":[{"namespace":"shop","name":"web","addresses":["203.0.113.2","2001:db8:1:20::2"],"pool":"public","error":null}]},
             "layer2":{"owned":[]}}
            """);

        var text = StatusCommand.Render(document.RootElement);

        Assert.Equal(
            "IPAM\n  configVersion: 3\n  services:\n"
            + "    NAMESPACE  NAME  ADDRESSES                     POOL    ERROR\n"
            + "    shop       web   203.0.113.2,2001:db8:1:20::2  public  -\n\n"
            + "LAYER2\n  owned: -\n\n",
            text);
    }
}
