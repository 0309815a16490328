using System.Globalization;

namespace IronLb.LocalSidecar.Hosting;

/// <summary>Parses the daprd-like command line; the lab scripts and contract tests depend on its exact shape.</summary>
internal static class CommandLine
{
    public const string Usage = """
        ironlb-local-sidecar: a local Dapr-API-compatible sidecar for IronLB labs and tests (not Dapr).
        usage: ironlb-local-sidecar --app-id ID [--app-port N] [--app-protocol http]
               [--dapr-grpc-port N (50001)] [--dapr-http-port N (3500)] [--redis HOST:PORT (127.0.0.1:6379)]
               [--resources-path DIR] [--pod-name NAME (env POD_NAME)]
               [--listen-address ADDR (127.0.0.1)] [--help]
        env:   DAPR_API_TOKEN  required as header dapr-api-token on the sidecar's API (not /v1.0/healthz)
               APP_API_TOKEN   sent as header dapr-api-token on calls into the app
               POD_NAME        the {podName} tag; a component using it is refused when unset
               NAMESPACE       the {namespace} tag (NAMESPACE.APPID) and keyPrefix namespace
        """;

    /// <summary>Parses <paramref name="args"/>; returns null when --help was asked for.</summary>
    public static SidecarOptions? Parse(IReadOnlyList<string> args, Func<string, string?> environment)
    {
        var options = new SidecarOptions
        {
            PodName = environment("POD_NAME"),
            Namespace = environment("NAMESPACE"),
            DaprApiToken = NullIfEmpty(environment("DAPR_API_TOKEN")),
            AppApiToken = NullIfEmpty(environment("APP_API_TOKEN")),
        };

        for (var i = 0; i < args.Count; i++)
        {
            var name = args[i];
            if (name is "--help" or "-h")
            {
                return null;
            }

            // Both "--flag value" and "--flag=value", as daprd's flag parser accepts.
            string value;
            var equals = name.IndexOf('=', StringComparison.Ordinal);
            if (equals > 0)
            {
                value = name[(equals + 1)..];
                name = name[..equals];
            }
            else
            {
                if (i + 1 >= args.Count)
                {
                    throw new ArgumentException($"{name} needs a value");
                }

                value = args[++i];
            }

            switch (name)
            {
                case "--app-id": options.AppId = value; break;
                case "--app-port": options.AppPort = Port(name, value); break;
                case "--app-protocol": options.AppProtocol = value; break;
                case "--dapr-grpc-port": options.GrpcPort = Port(name, value); break;
                case "--dapr-http-port": options.HttpPort = Port(name, value); break;
                case "--redis": options.Redis = value; break;
                case "--resources-path": options.ResourcesPath = value; break;
                case "--pod-name": options.PodName = value; break;
                case "--listen-address": options.ListenAddress = value; break;
                default: throw new ArgumentException($"unknown option {name}");
            }
        }

        options.Validate();
        return options;
    }

    private static int Port(string name, string value) =>
        int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var port) && port <= 65535
            ? port
            : throw new ArgumentException($"{name} {value} is not a port");

    private static string? NullIfEmpty(string? value) => string.IsNullOrEmpty(value) ? null : value;
}
