using System.Text;
using System.Text.Json;

namespace IronLb.Ipam.Planning;

/// <summary>Renders plans for <c>ironlb plan</c>: one line per Service, or {"services":[...]} with --json.</summary>
public static class PlanFormatter
{
    /// <summary>UTF-8 JSON: {"services":[{"namespace","name","addresses","pool","error"}]}, fields always present, in plan order.</summary>
    public static byte[] ToJson(IReadOnlyList<ServicePlan> plans)
    {
        ArgumentNullException.ThrowIfNull(plans);
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteStartArray("services");
            foreach (var plan in plans)
            {
                writer.WriteStartObject();
                writer.WriteString("namespace", plan.Namespace);
                writer.WriteString("name", plan.Name);
                writer.WriteStartArray("addresses");
                foreach (var address in plan.Addresses)
                {
                    writer.WriteStringValue(address);
                }

                writer.WriteEndArray();
                writer.WriteString("pool", plan.Pool);
                writer.WriteString("error", plan.Error);
                writer.WriteEndObject();
            }

            writer.WriteEndArray();
            writer.WriteEndObject();
        }

        return buffer.ToArray();
    }

    /// <summary>"namespace/name  addresses  pool" per Service, or "namespace/name  -  error: reason".</summary>
    public static string ToText(IReadOnlyList<ServicePlan> plans)
    {
        ArgumentNullException.ThrowIfNull(plans);
        var text = new StringBuilder();
        foreach (var plan in plans)
        {
            text.Append(plan.Namespace).Append('/').Append(plan.Name).Append('\t');
            if (plan.Error is null)
            {
                text.Append(string.Join(",", plan.Addresses)).Append("\tpool=").Append(plan.Pool);
            }
            else
            {
                text.Append("-\terror: ").Append(plan.Error);
            }

            text.Append('\n');
        }

        return text.ToString();
    }
}
