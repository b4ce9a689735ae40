using System.Diagnostics.Metrics;
using System.Text.Json;

namespace Watchtower.Throughput;

/// <summary>
/// A fake endpoint in another process, such as <c>../shared/bench/cwsink.py</c>, so that the shipper's CPU is measured
/// alone, as the peer benchmark measures winston-cloudwatch's: events and requests are read from its <c>/stats</c>,
/// and the bytes each request counted (UTF-8 plus 26 per event) from the library's own <c>watchtower.bytes.sent</c>.
/// </summary>
public sealed class ExternalSink : IDisposable
{
    private readonly HttpClient _http = new() { Timeout = TimeSpan.FromSeconds(10) };
    private readonly MeterListener _listener = new();
    private long _countedBytes;

    public ExternalSink(string url)
    {
        Url = url.TrimEnd('/');
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Meter.Name == "Watchtower" && instrument.Name == "watchtower.bytes.sent")
            {
                listener.EnableMeasurementEvents(instrument);
            }
        };
        _listener.SetMeasurementEventCallback<long>((_, value, _, _) => Interlocked.Add(ref _countedBytes, value));
        _listener.Start();
    }

    public string Url { get; }

    /// <summary>Bytes the shipper's successful requests counted, as CloudWatch counts them.</summary>
    public long CountedBytes => Interlocked.Read(ref _countedBytes);

    public CloudWatchLogsClient CreateClient() => new(new CloudWatchLogsClientOptions
    {
        ServiceUrl = Url,
        Region = "us-east-1",
        Credentials = new Amazon.Runtime.BasicAWSCredentials("AKIDBENCHMARK", "benchmark-secret"),
    });

    /// <summary>The endpoint's totals: (events, PutLogEvents requests, their body bytes).</summary>
    public async Task<(long Events, long PutRequests, long PutBytes)> StatsAsync()
    {
        using JsonDocument stats = JsonDocument.Parse(await _http.GetStringAsync(new Uri(Url + "/stats")));
        JsonElement root = stats.RootElement;
        return (root.GetProperty("events").GetInt64(), root.GetProperty("put_requests").GetInt64(), root.GetProperty("put_bytes").GetInt64());
    }

    public void Dispose()
    {
        _listener.Dispose();
        _http.Dispose();
    }
}
