namespace IronLb.Core.Configuration;

/// <summary>metallb.io/v1beta1 Community: named aliases for BGP community values.</summary>
public sealed record Community() : ManifestObject(KindName)
{
    public const string KindName = "Community";

    public CommunitySpec Spec { get; init; } = new();
}

/// <summary>The spec of a Community object.</summary>
public sealed record CommunitySpec
{
    public ValueList<CommunityAlias> Communities { get; init; } = [];
}

/// <summary>One alias: a name and the community it stands for ("65535:65282" or "large:64500:1:2").</summary>
public sealed record CommunityAlias
{
    public string Name { get; init; } = "";

    public string Value { get; init; } = "";
}
