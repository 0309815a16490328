using System.Text.Json;

namespace IronLb.Testing;

/// <summary>Reads a running service's /status, and waits (bounded) until it shows what a test expects.</summary>
public sealed class StatusClient(string baseUrl) : IDisposable
{
    private readonly HttpClient _http = new() { BaseAddress = new Uri(baseUrl), Timeout = TimeSpan.FromSeconds(5) };

    public async Task<JsonElement> GetAsync()
    {
        var body = await _http.GetStringAsync(new Uri("/status", UriKind.Relative));
        return JsonDocument.Parse(body).RootElement.Clone();
    }

    /// <summary>Polls /status until <paramref name="condition"/> holds; fails with the last document after <paramref name="timeout"/>.</summary>
    public async Task<JsonElement> WaitForAsync(Func<JsonElement, bool> condition, TimeSpan timeout)
    {
        using var deadline = new CancellationTokenSource(timeout);
        JsonElement last = default;
        string? lastError = null;
        while (!deadline.IsCancellationRequested)
        {
            try
            {
                last = await GetAsync();
                if (condition(last))
                {
                    return last;
                }
            }
            catch (HttpRequestException ex)
            {
                lastError = ex.Message;
            }
            catch (TaskCanceledException ex)
            {
                lastError = ex.Message;
            }

            try
            {
                await Task.Delay(TimeSpan.FromMilliseconds(200), deadline.Token);
            }
            catch (OperationCanceledException)
            {
                break;
            }
        }

        throw new TimeoutException($"{_http.BaseAddress}status did not reach the expected state within {timeout}. Last: {(last.ValueKind == JsonValueKind.Undefined ? lastError : last.GetRawText())}");
    }

    public void Dispose() => _http.Dispose();
}
