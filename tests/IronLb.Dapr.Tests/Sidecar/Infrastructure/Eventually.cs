namespace IronLb.Dapr.Tests.Sidecar.Infrastructure;

/// <summary>Waits for a condition observed in Redis or over HTTP, bounded in time and in checks.
/// Nothing is inferred from elapsed time: the caller asserts on the condition itself.</summary>
internal static class Eventually
{
    public static async Task<bool> HoldsAsync(Func<Task<bool>> condition, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        for (var i = 0; i < 10_000 && DateTime.UtcNow < deadline; i++)
        {
            if (await condition())
            {
                return true;
            }

            await Task.Delay(20);
        }

        return await condition();
    }
}
