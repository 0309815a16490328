using Microsoft.Extensions.Logging;

namespace IronLb.Core.State;

internal sealed partial class FileStateStore
{
    private static partial class Log
    {
        [LoggerMessage(EventId = 1101, Level = LogLevel.Information, Message = "Opened state store {Directory} with {KeyCount} keys")]
        public static partial void Opened(ILogger logger, string directory, int keyCount);

        [LoggerMessage(EventId = 1102, Level = LogLevel.Warning, Message = "Replaying a committed transaction of {StepCount} steps left by an interrupted run")]
        public static partial void ReplayingJournal(ILogger logger, int stepCount);

        [LoggerMessage(EventId = 1103, Level = LogLevel.Debug, Message = "Removed {Count} unfinished temporary files")]
        public static partial void RemovedTemporaryFiles(ILogger logger, int count);

        [LoggerMessage(EventId = 1104, Level = LogLevel.Error, Message = "Writing state failed; the store refuses further writes until reopened")]
        public static partial void Faulted(ILogger logger, Exception exception);
    }
}
