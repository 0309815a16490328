namespace IronLb.Core.Configuration;

/// <summary>One problem found while loading or validating configuration, tied to the file and object it is about.</summary>
/// <param name="File">The file, as given to the loader or relative to the loaded directory.</param>
/// <param name="Kind">The object's kind, or "Document" when the problem is with a YAML/JSON document as a whole.</param>
/// <param name="Name">The object's name, or "#N" (N-th document in the file) when it has none.</param>
/// <param name="Message">What is wrong, naming the field.</param>
public sealed record ConfigurationError(string File, string Kind, string Name, string Message)
{
    /// <summary>The kind used for problems that belong to a whole document rather than to an object.</summary>
    public const string DocumentKind = "Document";

    /// <summary>Formats as <c>FILE: KIND/NAME: message</c>, one line per error.</summary>
    public override string ToString() => $"{File}: {Kind}/{Name}: {Message}";

    internal static ConfigurationError About(ManifestObject subject, string message) =>
        new(subject.SourceFile, subject.Kind, subject.Name, message);
}

/// <summary>What the loader produced: the objects it could read and every problem it met.</summary>
public sealed record ManifestLoadResult(ClusterConfiguration Configuration, IReadOnlyList<ConfigurationError> Errors)
{
    /// <summary>Fields of metallb.io objects that IronLB does not read, so does not act on: said, never silently dropped.</summary>
    public IReadOnlyList<ConfigurationError> Warnings { get; init; } = [];

    public bool Succeeded => Errors.Count == 0;
}
