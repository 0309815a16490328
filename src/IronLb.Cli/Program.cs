using System.CommandLine;
using IronLb.Cli.Commands;

var root = new RootCommand("IronLB: addresses for Kubernetes LoadBalancer Services on bare metal, announced by ARP/NDP and BGP. Reads MetalLB's configuration unchanged.")
{
    RunCommand.Create(),
    ValidateCommand.Create(),
    PlanCommand.Create(),
    StatusCommand.Create(),
    EventsCommand.Create(),
    CrdsCommand.Create(),
};
return await root.Parse(args).InvokeAsync().ConfigureAwait(false);
