using System.Text.Json;

namespace IronLb.LocalSidecar.Secrets;

/// <summary>
/// A <c>secretstores.local.file</c> component: secrets read once, at start, from a JSON file, as daprd's local file
/// store does (https://docs.dapr.io/reference/components-reference/supported-secret-stores/file-secret-store/).
/// </summary>
/// <remarks>
/// Without <c>multiValued</c> the whole file is flattened: nested names joined by <c>nestedSeparator</c> (default
/// ":"), array items by their index, and each flattened name is a secret whose one key is its own name. With
/// <c>multiValued: "true"</c> each top-level name is a secret: a string is a secret with one key (its name), an object
/// is flattened into the secret's keys. Changes to the file need a restart, as with daprd.
/// </remarks>
internal sealed class LocalFileSecretStore
{
    private readonly Dictionary<string, IReadOnlyDictionary<string, string>> _secrets;

    private LocalFileSecretStore(string name, Dictionary<string, IReadOnlyDictionary<string, string>> secrets)
    {
        Name = name;
        _secrets = secrets;
    }

    /// <summary>metadata.name of the component.</summary>
    public string Name { get; }

    /// <summary>Reads <paramref name="secretsFile"/>; a missing or malformed file fails start-up, as a component that cannot initialise does in daprd.</summary>
    public static LocalFileSecretStore Load(string name, string secretsFile, string? nestedSeparator, bool multiValued)
    {
        var separator = string.IsNullOrEmpty(nestedSeparator) ? ":" : nestedSeparator;
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(File.ReadAllBytes(secretsFile), new JsonDocumentOptions { MaxDepth = 64 });
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or JsonException)
        {
            throw new InvalidDataException($"component {name}: secretsFile {secretsFile}: {e.Message}", e);
        }

        using (document)
        {
            if (document.RootElement.ValueKind != JsonValueKind.Object)
            {
                throw new InvalidDataException($"component {name}: secretsFile {secretsFile} must hold a JSON object");
            }

            var secrets = new Dictionary<string, IReadOnlyDictionary<string, string>>(StringComparer.Ordinal);
            if (!multiValued)
            {
                foreach (var (key, value) in Flatten(name, document.RootElement, separator))
                {
                    secrets[key] = new Dictionary<string, string>(StringComparer.Ordinal) { [key] = value };
                }

                return new LocalFileSecretStore(name, secrets);
            }

            foreach (var property in document.RootElement.EnumerateObject())
            {
                switch (property.Value.ValueKind)
                {
                    case JsonValueKind.String:
                        secrets[property.Name] = new Dictionary<string, string>(StringComparer.Ordinal) { [property.Name] = property.Value.GetString()! };
                        break;
                    case JsonValueKind.Object:
                        secrets[property.Name] = Flatten(name, property.Value, separator);
                        break;
                    default:
                        // daprd skips top-level values that are neither a string nor an object in multi-valued mode.
                        break;
                }
            }

            return new LocalFileSecretStore(name, secrets);
        }
    }

    /// <summary>The keys and values of one secret, or null when the file has no secret of that name.</summary>
    public IReadOnlyDictionary<string, string>? Get(string secretName) => _secrets.GetValueOrDefault(secretName);

    /// <summary>Every secret with its keys and values.</summary>
    public IReadOnlyDictionary<string, IReadOnlyDictionary<string, string>> All => _secrets;

    private static Dictionary<string, string> Flatten(string component, JsonElement root, string separator)
    {
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        Visit(root, null);
        return result;

        void Visit(JsonElement element, string? path)
        {
            switch (element.ValueKind)
            {
                case JsonValueKind.Object:
                    foreach (var property in element.EnumerateObject())
                    {
                        Visit(property.Value, path is null ? property.Name : path + separator + property.Name);
                    }

                    break;
                case JsonValueKind.Array:
                    var index = 0;
                    foreach (var item in element.EnumerateArray())
                    {
                        Visit(item, (path is null ? string.Empty : path + separator) + index++.ToString(System.Globalization.CultureInfo.InvariantCulture));
                    }

                    break;
                default:
                    var key = path ?? string.Empty;
                    if (!result.TryAdd(key, element.ValueKind == JsonValueKind.String ? element.GetString()! : element.GetRawText()))
                    {
                        throw new InvalidDataException($"component {component}: secret key {key} appears twice once flattened");
                    }

                    break;
            }
        }
    }
}
