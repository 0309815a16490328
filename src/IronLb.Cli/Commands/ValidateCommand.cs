using System.CommandLine;
using IronLb.Core.Configuration;

namespace IronLb.Cli.Commands;

/// <summary>`ironlb validate DIR`: checks a folder of MetalLB manifests the way IronLB will load it.</summary>
internal static class ValidateCommand
{
    public static Command Create()
    {
        var directory = new Argument<DirectoryInfo>("DIR") { Description = "Folder of MetalLB manifests (*.yaml, *.yml, *.json; searched recursively)." };
        var command = new Command("validate", "Validate a folder of MetalLB manifests. Exit 0 when valid; otherwise exit 1 and print each error as 'FILE: KIND/NAME: message'. Fields IronLB ignores or does not act on as MetalLB does are printed as 'warning: FILE: KIND/NAME: message' and do not fail validation.")
        {
            directory,
        };
        command.SetAction(result => Run(result.GetValue(directory)!, Console.Out, Console.Error));
        return command;
    }

    internal static int Run(DirectoryInfo directory, TextWriter output, TextWriter errorOutput)
    {
        if (!directory.Exists)
        {
            errorOutput.WriteLine($"ironlb validate: {directory.FullName}: no such folder");
            return 2;
        }

        var errors = ConfigurationValidator.LoadAndValidate(directory.FullName, out var configuration, out var warnings);
        foreach (var error in errors)
        {
            output.WriteLine(error.ToString());
        }

        // Warnings never fail validation: they name what IronLB accepts but does not do as MetalLB would.
        foreach (var warning in warnings)
        {
            output.WriteLine("warning: " + warning);
        }

        if (errors.Count > 0)
        {
            errorOutput.WriteLine($"{errors.Count} error{(errors.Count == 1 ? "" : "s")}");
            return 1;
        }

        var c = configuration;
        output.WriteLine($"valid: {c.IpAddressPools.Count} IPAddressPools, {c.L2Advertisements.Count} L2Advertisements, "
            + $"{c.BgpAdvertisements.Count} BGPAdvertisements, {c.BgpPeers.Count} BGPPeers, {c.BfdProfiles.Count} BFDProfiles, "
            + $"{c.Communities.Count} Communities, {c.Services.Count} Services, {c.Nodes.Count} Nodes, {c.EndpointSlices.Count} EndpointSlices");
        return 0;
    }
}
