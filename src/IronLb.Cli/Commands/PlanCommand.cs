using System.CommandLine;
using IronLb.Core.Configuration;
using IronLb.Ipam.Planning;

namespace IronLb.Cli.Commands;

/// <summary>`ironlb plan DIR`: the allocation IPAM makes for every Service in a folder, without announcing anything.</summary>
internal static class PlanCommand
{
    public static Command Create()
    {
        var directory = new Argument<DirectoryInfo>("DIR") { Description = "Folder of MetalLB manifests and Services." };
        var json = new Option<bool>("--json") { Description = "Print {\"services\":[{\"namespace\",\"name\",\"addresses\",\"pool\",\"error\"}]}." };
        var loadBalancerClass = new Option<string?>("--lb-class") { Description = "Handle only Services of this spec.loadBalancerClass (default: Services that name none)." };
        var command = new Command("plan", "Print the addresses IPAM gives every LoadBalancer Service in DIR (or why it gives none), without announcing anything. The same input always gives the same output.")
        {
            directory,
            json,
            loadBalancerClass,
        };
        command.SetAction(result => Run(result.GetValue(directory)!, result.GetValue(json), result.GetValue(loadBalancerClass), Console.Out, Console.Error));
        return command;
    }

    internal static int Run(DirectoryInfo directory, bool json, string? loadBalancerClass, TextWriter output, TextWriter errorOutput)
    {
        if (!directory.Exists)
        {
            errorOutput.WriteLine($"ironlb plan: {directory.FullName}: no such folder");
            return 2;
        }

        var errors = ConfigurationValidator.LoadAndValidate(directory.FullName, out var configuration);
        if (errors.Count > 0)
        {
            foreach (var error in errors)
            {
                errorOutput.WriteLine(error.ToString());
            }

            errorOutput.WriteLine("ironlb plan: the configuration is invalid (see `ironlb validate`)");
            return 1;
        }

        var plans = AllocationPlanner.Plan(configuration, loadBalancerClass);
        if (json)
        {
            output.WriteLine(System.Text.Encoding.UTF8.GetString(PlanFormatter.ToJson(plans)));
        }
        else
        {
            output.Write(PlanFormatter.ToText(plans));
        }

        return 0;
    }
}
