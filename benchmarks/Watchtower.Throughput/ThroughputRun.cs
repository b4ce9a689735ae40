using System.Diagnostics;
using System.Globalization;
using Microsoft.Extensions.Logging;

namespace Watchtower.Throughput;

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
        double p99Ns = callTimes[(int)(callTimes.Length * 0.99)] * 1e9 / Stopwatch.Frequency;
        if (BufferDirectoryOf(settings) is { } used)
        {
            Directory.Delete(used, recursive: true);
        }

        return new ThroughputResult(settings, acknowledged, settings.Events - acknowledged, wall, cpu, process.PeakWorkingSet64, requests, after.BodyBytes - before.BodyBytes, medianNs, p99Ns)
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
                o.BufferDirectory = BufferDirectoryOf(settings);
                o.BufferWaitForFsync = settings.Buffer == "fsync";
            }));

    /// <summary>One folder per run (and per process: the warm-up's provider is disposed before the measured one starts).</summary>
    private static string? BufferDirectoryOf(ThroughputSettings settings) =>
        settings.Buffer == "off" ? null : Path.Combine(Path.GetTempPath(), "watchtower-throughput-buffer-" + Environment.ProcessId);

    private static ILogger[] Loggers(ILoggerFactory factory, int streams) =>
        [.. Enumerable.Range(0, streams).Select(i => factory.CreateLogger("stream-" + i))];

    /// <summary>A fixed message of exactly <paramref name="bytes"/> ASCII bytes.</summary>
    public static string MessageOf(int bytes)
    {
        const string Pattern = "The quick brown fox jumps over the lazy dog; order 1234567890 shipped to warehouse 42. ";
        return string.Concat(Enumerable.Repeat(Pattern, bytes / Pattern.Length + 1))[..bytes];
    }
}
