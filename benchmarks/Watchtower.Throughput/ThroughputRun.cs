using System.Diagnostics;
using System.Globalization;
using Microsoft.Extensions.Logging;
using Watchtower.Extensions.Logging;

namespace Watchtower.Throughput;

/// <summary>What to run: how many events, how large, over how many streams, in which format.</summary>
/// <param name="Endpoint">An endpoint in another process (such as ../shared/bench/cwsink.py) instead of the in-process sink.</param>
/// <param name="WarmupEvents">Events logged through a provider of their own before the measured run (0 for a cold run).</param>
/// <param name="WindowFile">Where to write the measured window's start and end (Stopwatch timestamps, CLOCK_MONOTONIC
/// nanoseconds on Linux), to cut a <c>perf record -k CLOCK_MONOTONIC</c> profile down to the run.</param>
public sealed record ThroughputSettings(int Events = 200_000, int MessageBytes = 100, int Streams = 1, CloudWatchLogFormat Format = CloudWatchLogFormat.Text, string? Endpoint = null, int WarmupEvents = 0, string? WindowFile = null);

/// <summary>What one run measured.</summary>
public sealed record ThroughputResult(
    ThroughputSettings Settings,
    long Acknowledged,
    long Dropped,
    double WallSeconds,
    double CpuSeconds,
    long PeakWorkingSetBytes,
    long Requests,
    long RequestBodyBytes,
    double MedianCallNanoseconds)
{
    /// <summary>Bytes the whole process allocated on the managed heap during the run, and the collections it caused.</summary>
    public long AllocatedBytes { get; init; }

    public (int Gen0, int Gen1, int Gen2) Collections { get; init; }

    public double EventsPerSecond => Acknowledged / WallSeconds;

    /// <summary>CPU seconds per million events, which is also CPU microseconds per event.</summary>
    public double CpuSecondsPerMillionEvents => CpuSeconds / Acknowledged * 1e6;

    public double AverageEventsPerRequest => Requests == 0 ? 0 : (double)Acknowledged / Requests;

    /// <summary>Average batch size as CloudWatch counts it (message UTF-8 bytes plus 26 per event), per request.</summary>
    public double AverageCountedBytesPerRequest { get; init; }

    public override string ToString() => string.Create(CultureInfo.InvariantCulture,
        $"""
        events acknowledged   {Acknowledged:N0} of {Settings.Events:N0} ({Dropped:N0} dropped)
        wall                  {WallSeconds:0.000} s
        events/s              {EventsPerSecond:N0}
        CPU                   {CpuSeconds:0.000} s = {CpuSecondsPerMillionEvents:0.000} s per million events (µs/event)
        peak working set      {PeakWorkingSetBytes / 1048576.0:0.0} MiB
        requests              {Requests:N0} ({RequestBodyBytes / 1048576.0:0.0} MiB of request bodies)
        average request fill  {AverageEventsPerRequest:N0} events ({AverageEventsPerRequest / 10_000:P1} of 10,000), {AverageCountedBytesPerRequest:N0} bytes ({AverageCountedBytesPerRequest / 1_048_576:P1} of 1 MiB)
        median log call       {MedianCallNanoseconds:0} ns (every 64th call timed)
        allocated             {AllocatedBytes / 1048576.0:0.0} MiB ({(double)AllocatedBytes / Math.Max(Acknowledged, 1):0.0} bytes per event); collections gen0 {Collections.Gen0}, gen1 {Collections.Gen1}, gen2 {Collections.Gen2}
        """);
}

/// <summary>
/// The end-to-end harness: logs through <c>AddCloudWatch()</c> to an in-process fake endpoint and measures the whole
/// process from the first log call until disposal has delivered everything.
/// </summary>
public static class ThroughputRun
{
    public static async Task<ThroughputResult> RunAsync(ThroughputSettings settings)
    {
        // Explicit test credentials and region; never the instance-metadata endpoint.
        Environment.SetEnvironmentVariable("AWS_EC2_METADATA_DISABLED", "true");
        await using IThroughputEndpoint endpoint = settings.Endpoint is { } url ? new ExternalEndpoint(url) : new InProcessEndpoint();
        using CloudWatchLogsClient client = endpoint.CreateClient(); // the provider does not dispose a client it was given
        string message = MessageOf(settings.MessageBytes);
        string group = "watchtower-throughput-" + Guid.NewGuid().ToString("N")[..8];

        if (settings.WarmupEvents > 0)
        {
            // A run before the run, through a provider of its own, so that the measured one starts with optimised code.
            using ILoggerFactory warmup = CreateFactory(client, group, settings);
            ILogger[] warmLoggers = Loggers(warmup, settings.Streams);
            for (int i = 0; i < settings.WarmupEvents; i++)
            {
                warmLoggers[i % warmLoggers.Length].LogInformation(message);
            }
        }

        ILoggerFactory factory = CreateFactory(client, group, settings);
        ILogger[] loggers = Loggers(factory, settings.Streams);

        // Warm the path (group setup, connection) outside the measurement, then count from there.
        factory.CreateLogger("warm-up").LogInformation(message);
        EndpointCounts before = await endpoint.CountsAsync();
        while ((await endpoint.CountsAsync()).Events < before.Events + 1)
        {
            await Task.Delay(5);
        }

        before = await endpoint.CountsAsync();
        var callTimes = new long[settings.Events / 64 + 1];
        using var process = Process.GetCurrentProcess();
        process.Refresh();
        TimeSpan cpuBefore = process.TotalProcessorTime;
        long allocatedBefore = GC.GetTotalAllocatedBytes(precise: false);
        (int gen0, int gen1, int gen2) = (GC.CollectionCount(0), GC.CollectionCount(1), GC.CollectionCount(2));
        long started = Stopwatch.GetTimestamp();
        for (int i = 0; i < settings.Events; i++)
        {
            ILogger logger = loggers[i % loggers.Length];
            if ((i & 63) == 0)
            {
                long t0 = Stopwatch.GetTimestamp();
                logger.LogInformation(message);
                callTimes[i >> 6] = Stopwatch.GetTimestamp() - t0;
            }
            else
            {
                logger.LogInformation(message);
            }
        }

        factory.Dispose(); // delivers everything queued

        double wall = Stopwatch.GetElapsedTime(started).TotalSeconds;
        if (settings.WindowFile is { } windowFile)
        {
            await File.WriteAllTextAsync(windowFile, string.Create(CultureInfo.InvariantCulture, $"{started} {Stopwatch.GetTimestamp()} {Stopwatch.Frequency}\n"));
        }

        process.Refresh();
        double cpu = (process.TotalProcessorTime - cpuBefore).TotalSeconds;
        long allocated = GC.GetTotalAllocatedBytes(precise: false) - allocatedBefore;
        (int, int, int) collections = (GC.CollectionCount(0) - gen0, GC.CollectionCount(1) - gen1, GC.CollectionCount(2) - gen2);
        EndpointCounts after = await endpoint.CountsAsync();
        long acknowledged = after.Events - before.Events;
        long requests = after.PutRequests - before.PutRequests;
        Array.Sort(callTimes);
        double medianNs = callTimes[callTimes.Length / 2] * 1e9 / Stopwatch.Frequency;
        return new ThroughputResult(settings, acknowledged, settings.Events - acknowledged, wall, cpu, process.PeakWorkingSet64, requests, after.BodyBytes - before.BodyBytes, medianNs)
        {
            AllocatedBytes = allocated,
            Collections = collections,
            AverageCountedBytesPerRequest = requests == 0 ? 0 : (double)(after.CountedBytes - before.CountedBytes) / requests,
        };
    }

    private static ILoggerFactory CreateFactory(CloudWatchLogsClient client, string group, ThroughputSettings settings) =>
        LoggerFactory.Create(logging => logging
            .SetMinimumLevel(LogLevel.Information)
            .AddCloudWatch(o =>
            {
                o.Client = client;
                o.LogGroupName = group;
                o.LogStreamName = "{logger_name}";
                o.Format = settings.Format;
                o.IncludeScopes = false;
                // The default memory bound; a full queue makes the caller wait, so that delivery is measured, not drops.
                o.QueueFullMode = QueueFullMode.Wait;
                o.SendInterval = TimeSpan.FromMilliseconds(200);
            }));

    private static ILogger[] Loggers(ILoggerFactory factory, int streams) =>
        [.. Enumerable.Range(0, streams).Select(i => factory.CreateLogger("stream-" + i))];

    /// <summary>A fixed message of exactly <paramref name="bytes"/> ASCII bytes.</summary>
    public static string MessageOf(int bytes)
    {
        const string Pattern = "The quick brown fox jumps over the lazy dog; order 1234567890 shipped to warehouse 42. ";
        return string.Concat(Enumerable.Repeat(Pattern, bytes / Pattern.Length + 1))[..bytes];
    }
}

/// <summary>What the endpoint has seen: events, PutLogEvents requests and their body bytes, and the bytes they counted.</summary>
public readonly record struct EndpointCounts(long Events, long PutRequests, long BodyBytes, long CountedBytes);

/// <summary>Where the harness ships to.</summary>
public interface IThroughputEndpoint : IAsyncDisposable
{
    CloudWatchLogsClient CreateClient();

    Task<EndpointCounts> CountsAsync();
}

/// <summary>The in-process <see cref="SinkServer"/>: its CPU is the harness's, and is counted.</summary>
public sealed class InProcessEndpoint : IThroughputEndpoint
{
    private readonly SinkServer _sink = new();

    public CloudWatchLogsClient CreateClient() => _sink.CreateClient();

    public Task<EndpointCounts> CountsAsync() =>
        Task.FromResult(new EndpointCounts(_sink.Events, _sink.PutRequests, _sink.BodyBytes, _sink.MessageBytes + (26 * _sink.Events)));

    public ValueTask DisposeAsync() => _sink.DisposeAsync();
}

/// <summary>An endpoint in another process; see <see cref="ExternalSink"/>.</summary>
public sealed class ExternalEndpoint(string url) : IThroughputEndpoint
{
    private readonly ExternalSink _sink = new(url);

    public CloudWatchLogsClient CreateClient() => _sink.CreateClient();

    public async Task<EndpointCounts> CountsAsync()
    {
        (long events, long requests, long bytes) = await _sink.StatsAsync();
        return new EndpointCounts(events, requests, bytes, _sink.CountedBytes);
    }

    public ValueTask DisposeAsync()
    {
        _sink.Dispose();
        return ValueTask.CompletedTask;
    }
}
