namespace IronLb.Testing;

/// <summary>Renders a kustomization of deploy/ with `kubectl kustomize`, offline, as `kubectl apply -k` would.</summary>
public static class Kustomize
{
    /// <summary>The kustomizations a user applies: the three overlays.</summary>
    public static IReadOnlyList<string> Overlays { get; } = ["deploy/overlays/quickstart", "deploy/overlays/layer2", "deploy/overlays/bgp"];

    /// <summary>The rendered YAML (documents separated by ---) of <paramref name="kustomization"/>, a path from the repository root.</summary>
    public static string Render(string kustomization) =>
        Shell.Must(TimeSpan.FromSeconds(60), "kubectl", "kustomize", RepositoryLayout.PathOf(kustomization));
}
