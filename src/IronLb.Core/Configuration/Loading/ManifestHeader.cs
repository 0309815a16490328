namespace IronLb.Core.Configuration;

/// <summary>What the loader reads before the kind-specific part: where the object came from and its metadata.</summary>
internal sealed record ManifestHeader(string File, string ApiVersion, string Kind, ObjectMeta Metadata);
