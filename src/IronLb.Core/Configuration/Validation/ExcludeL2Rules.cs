using System.Globalization;
using System.Text.RegularExpressions;

namespace IronLb.Core.Configuration;

/// <summary>Rules about the metallb-excludel2 list: every pattern must be a regular expression (MetalLB's speaker stops at start otherwise).</summary>
internal static class ExcludeL2Rules
{
    public static void Check(ValidationContext context)
    {
        foreach (var list in context.Configuration.ExcludeL2)
        {
            for (var i = 0; i < list.AnnouncedInterfacesToExclude.Count; i++)
            {
                var pattern = list.AnnouncedInterfacesToExclude[i];
                try
                {
                    _ = new Regex(pattern, RegexOptions.CultureInvariant, TimeSpan.FromMilliseconds(100));
                }
                catch (ArgumentException ex)
                {
                    context.Report(list, $"data.excludel2.yaml: announcedInterfacesToExclude[{i.ToString(CultureInfo.InvariantCulture)}]: \"{pattern}\" is not a regular expression ({ex.Message})");
                }
            }
        }

        foreach (var extra in context.Configuration.ExcludeL2.Skip(1))
        {
            context.Report(extra, $"a second {ExcludeL2.ConfigMapName} ConfigMap; only the one in {context.Configuration.ExcludeL2[0].SourceFile} is used");
        }
    }
}
