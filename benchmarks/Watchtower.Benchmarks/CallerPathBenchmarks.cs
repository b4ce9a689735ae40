using System.Text;
using BenchmarkDotNet.Attributes;
using Watchtower.Throughput;

namespace Watchtower.Benchmarks;

/// <summary>
/// The engine's part of a log call alone, with no sender competing for the queue: the handler ships to an endpoint that
/// never answers, so its sender waits on its first call, and the queue is emptied between iterations (not measured).
/// Set against <see cref="LogCallBenchmarks"/>, it tells what the queue's lock costs when the sender takes events.
/// </summary>
[MemoryDiagnoser]
[MedianColumn]
[InvocationCount(100_000)]
public class CallerPathBenchmarks
{
    private readonly byte[] _line = Encoding.UTF8.GetBytes("2026-12-01T09:00:00.000Z Information Benchmarks: " + ThroughputRun.MessageOf(100));
    private readonly string _message = ThroughputRun.MessageOf(100);
    private readonly List<Shipping.QueuedEvent> _drained = new(100_000);
    private CloudWatchLogsClient _client = null!;
    private CloudWatchLogHandler _handler = null!;
    private static readonly Extensions.Logging.LogEventFormatter s_text = new(Extensions.Logging.CloudWatchLogFormat.Text, includeScopes: false);
    private static readonly Extensions.Logging.LogEventFormatter s_json = new(Extensions.Logging.CloudWatchLogFormat.Json, includeScopes: false);
    private static readonly Extensions.Logging.LoggerCategory s_category = new("Benchmarks");
    private static readonly DateTimeOffset s_time = new(2026, 12, 1, 9, 0, 0, TimeSpan.Zero);
    private string _stream = null!;

    [GlobalSetup]
    public void Setup()
    {
        Environment.SetEnvironmentVariable("AWS_EC2_METADATA_DISABLED", "true");
        _client = new CloudWatchLogsClient(
            new CloudWatchLogsClientOptions { Region = "us-east-1", ServiceUrl = "http://127.0.0.1:9", Credentials = new Amazon.Runtime.BasicAWSCredentials("AKIDBENCH", "bench-secret") },
            new NeverAnswers());
        _handler = new CloudWatchLogHandler(new CloudWatchLogHandlerOptions { Client = _client, LogGroupName = "benchmarks", LogStreamName = "{logger_name}", QueueLimit = 200_000, ShutdownTimeout = TimeSpan.FromMilliseconds(100) });
        _stream = _handler.GetStreamName("Benchmarks").For(DateTimeOffset.UtcNow);
    }

    [IterationCleanup]
    public void EmptyTheQueue()
    {
        _drained.Clear();
        _handler.Queue!.Drain(_drained, int.MaxValue, long.MaxValue, out _, out _);
        _handler.Queue.OnDrainProcessed();
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _handler.Dispose();
        _client.Dispose();
    }

    /// <summary>What the harness itself costs per call in this mode (100,000 invocations per iteration, with cleanup).</summary>
    [Benchmark(Baseline = true)]
    public int Nothing() => _line.Length;

    /// <summary>A formatted line into the queue: the checks, the lock, the copy.</summary>
    [Benchmark]
    public bool EmitUtf8() => _handler.EmitUtf8(_line, s_time, _stream);

    /// <summary>The same from a string, encoded on the way (the public Emit's path, less the stream name).</summary>
    [Benchmark]
    public bool EmitText() => _handler.EmitText(_message, s_time, _stream);

    /// <summary>The provider's text line written as UTF-8: timestamp, level, category, the message.</summary>
    [Benchmark]
    public int FormatText() => Format(s_text);

    /// <summary>The same as a JSON line.</summary>
    [Benchmark]
    public int FormatJson() => Format(s_json);

    /// <summary>The clock read every provider call makes.</summary>
    [Benchmark]
    public DateTimeOffset Clock() => TimeProvider.System.GetUtcNow();

    private int Format(Extensions.Logging.LogEventFormatter formatter)
    {
        Extensions.Logging.Utf8Buffer buffer = Extensions.Logging.Utf8Buffer.Rent();
        formatter.Format(buffer, s_time, s_category, Microsoft.Extensions.Logging.LogLevel.Information, default, _message, null, static (m, _) => m, null);
        int length = buffer.Length;
        Extensions.Logging.Utf8Buffer.Return(buffer);
        return length;
    }

    private sealed class NeverAnswers : HttpMessageHandler
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken) =>
            Task.Delay(Timeout.Infinite, cancellationToken).ContinueWith<HttpResponseMessage>(_ => throw new OperationCanceledException(cancellationToken), TaskScheduler.Default);
    }
}
