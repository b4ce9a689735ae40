using System.Diagnostics;
using System.Globalization;
using Microsoft.Extensions.Logging;
using Watchtower.Extensions.Logging;

namespace Watchtower.Throughput;

/// <summary>What to run: how many events, how large, over how many streams, in which format.</summary>
public sealed record ThroughputSettings(int Events = 200_000, int MessageBytes = 100, int Streams = 1, CloudWatchLogFormat Format = CloudWatchLogFormat.Text);

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
        await using var sink = new SinkServer();
        using CloudWatchLogsClient client = sink.CreateClient(); // the provider does not dispose a client it was given
        string message = MessageOf(settings.MessageBytes);
        var factory = LoggerFactory.Create(logging => logging
            .SetMinimumLevel(LogLevel.Information)
            .AddCloudWatch(o =>
            {
                o.Client = client;
                o.LogGroupName = "watchtower-throughput";
                o.LogStreamName = "{logger_name}";
                o.Format = settings.Format;
                o.IncludeScopes = false;
                // The default memory bound; a full queue makes the caller wait, so that delivery is measured, not drops.
                o.QueueFullMode = QueueFullMode.Wait;
                o.SendInterval = TimeSpan.FromMilliseconds(200);
            }));
        ILogger[] loggers = [.. Enumerable.Range(0, settings.Streams).Select(i => factory.CreateLogger("stream-" + i))];

        // Warm the path (JIT, group setup, connection) outside the measurement, then count from there.
        factory.CreateLogger("warm-up").LogInformation(message);
        await WaitUntilAsync(() => sink.Events >= 1);
        (long eventsBefore, long requestsBefore, long bytesBefore, long messageBytesBefore) = (sink.Events, sink.PutRequests, sink.BodyBytes, sink.MessageBytes);

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
        process.Refresh();
        double cpu = (process.TotalProcessorTime - cpuBefore).TotalSeconds;
        long acknowledged = sink.Events - eventsBefore;
        long requests = sink.PutRequests - requestsBefore;
        Array.Sort(callTimes);
        double medianNs = callTimes[callTimes.Length / 2] * 1e9 / Stopwatch.Frequency;
        return new ThroughputResult(settings, acknowledged, settings.Events - acknowledged, wall, cpu, process.PeakWorkingSet64, requests, sink.BodyBytes - bytesBefore, medianNs)
        {
            AllocatedBytes = GC.GetTotalAllocatedBytes(precise: false) - allocatedBefore,
            Collections = (GC.CollectionCount(0) - gen0, GC.CollectionCount(1) - gen1, GC.CollectionCount(2) - gen2),
            AverageCountedBytesPerRequest = requests == 0 ? 0 : (double)(sink.MessageBytes - messageBytesBefore + (26 * acknowledged)) / requests,
        };
    }

    /// <summary>A fixed message of exactly <paramref name="bytes"/> ASCII bytes.</summary>
    public static string MessageOf(int bytes)
    {
        const string Pattern = "The quick brown fox jumps over the lazy dog; order 1234567890 shipped to warehouse 42. ";
        return string.Concat(Enumerable.Repeat(Pattern, bytes / Pattern.Length + 1))[..bytes];
    }

    private static async Task WaitUntilAsync(Func<bool> condition)
    {
        while (!condition())
        {
            await Task.Delay(1);
        }
    }
}
