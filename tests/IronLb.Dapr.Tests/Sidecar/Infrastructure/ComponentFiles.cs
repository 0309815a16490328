namespace IronLb.Dapr.Tests.Sidecar.Infrastructure;

/// <summary>A temporary --resources-path folder with Dapr component YAML, deleted on dispose.</summary>
internal sealed class ComponentFiles : IDisposable
{
    public ComponentFiles() => Directory = System.IO.Directory.CreateTempSubdirectory("ironlb-components-").FullName;

    public string Directory { get; }

    public ComponentFiles Write(string fileName, string yaml)
    {
        File.WriteAllText(Path.Combine(Directory, fileName), yaml);
        return this;
    }

    /// <summary>A state.redis and a pubsub.redis component; redelivery timings in milliseconds keep tests fast.</summary>
    public static ComponentFiles Standard(
        string redisHost, string consumerId = "{appID}", string keyPrefix = "appid", int processingTimeoutMs = 300, int redeliverIntervalMs = 100) =>
        new ComponentFiles().Write("components.yaml", $"""
            apiVersion: dapr.io/v1alpha1
            kind: Component
            metadata:
              name: statestore
            spec:
              type: state.redis
              version: v1
              metadata:
              - name: redisHost
                value: "{redisHost}"
              - name: keyPrefix
                value: "{keyPrefix}"
            ---
            apiVersion: dapr.io/v1alpha1
            kind: Component
            metadata:
              name: pubsub
            spec:
              type: pubsub.redis
              version: v1
              metadata:
              - name: redisHost
                value: "{redisHost}"
              - name: consumerID
                value: "{consumerId}"
              - name: processingTimeout
                value: "{processingTimeoutMs}"
              - name: redeliverInterval
                value: "{redeliverIntervalMs}ms"
            """);

    /// <summary>A secretstores.local.file component named <paramref name="name"/> over <paramref name="secretsFile"/>; <paramref name="scopes"/> a YAML "scopes:" line or empty.</summary>
    public ComponentFiles WriteFileSecretStore(string name, string secretsFile, bool multiValued, string scopes = "") => Write(name + ".yaml", $"""
        apiVersion: dapr.io/v1alpha1
        kind: Component
        metadata:
          name: {name}
        spec:
          type: secretstores.local.file
          version: v1
          metadata:
          - name: secretsFile
            value: "{secretsFile}"
          - name: multiValued
            value: "{(multiValued ? "true" : "false")}"
        {scopes}
        """);

    public void Dispose() => System.IO.Directory.Delete(Directory, recursive: true);
}
