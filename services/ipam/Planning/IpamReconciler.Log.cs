using Microsoft.Extensions.Logging;

namespace IronLb.Ipam.Planning;

internal sealed partial class IpamReconciler
{
    private static partial class Log
    {
        [LoggerMessage(3001, LogLevel.Information, "Allocations written: version {Version} for configuration {ConfigVersion}, {Count} Services hold addresses")]
        public static partial void AllocationsWritten(ILogger logger, long version, long configVersion, int count);

        [LoggerMessage(3002, LogLevel.Debug, "Compare-and-swap lost on attempt {Attempt}; reading the newer state")]
        public static partial void WriteConflict(ILogger logger, int attempt);

        [LoggerMessage(3003, LogLevel.Information, "Configuration {ConfigVersion} is older than the stored allocations' {StoredConfigVersion}; not writing")]
        public static partial void StaleConfiguration(ILogger logger, long configVersion, long storedConfigVersion);

        [LoggerMessage(3004, LogLevel.Warning, "Service {Service} gets no address: {Reason}")]
        public static partial void Unserved(ILogger logger, string service, string reason);

        [LoggerMessage(3006, LogLevel.Debug, "Intents written: {Count} shards, derived from allocation version {AllocationVersion}")]
        public static partial void IntentShardsWritten(ILogger logger, int count, long allocationVersion);

        [LoggerMessage(3005, LogLevel.Warning, "IPAddressPool ignored: {Reason}")]
        public static partial void PoolIgnored(ILogger logger, string reason);
    }
}
