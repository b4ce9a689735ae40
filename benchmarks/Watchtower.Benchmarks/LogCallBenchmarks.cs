using BenchmarkDotNet.Attributes;
using Microsoft.Extensions.Logging;
using Watchtower.Extensions.Logging;
using Watchtower.Throughput;

namespace Watchtower.Benchmarks;

/// <summary>
/// What one <c>LogInformation</c> call costs the caller: with no provider, with MEL's console provider, and with the
/// CloudWatch provider shipping (text format) to a fast local fake endpoint. Allocation is the caller's.
/// </summary>
/// <remarks>
/// Each iteration is 100,000 calls, and the provider is flushed between iterations (not measured): the sender ships
/// concurrently on the other core, as in an application, but the caller never waits for room in the queue, so that
/// what is measured is the call, not the sender's throughput.
/// </remarks>
[MemoryDiagnoser]
[InvocationCount(100_000)]
[MedianColumn]
public class LogCallBenchmarks
{
    private readonly string _message = ThroughputRun.MessageOf(100);
    private SinkServer _sink = null!;
    private CloudWatchLogsClient _client = null!;
    private ILoggerFactory _none = null!;
    private ILoggerFactory _console = null!;
    private ILoggerFactory _cloudWatch = null!;
    private ILogger _noneLogger = null!;
    private ILogger _consoleLogger = null!;
    private ILogger _cloudWatchLogger = null!;
    private CloudWatchLoggerProvider? _provider;
    private ILoggerFactory _messageOnly = null!;
    private ILogger _messageOnlyLogger = null!;

    [GlobalSetup]
    public void Setup()
    {
        Environment.SetEnvironmentVariable("AWS_EC2_METADATA_DISABLED", "true");
        Console.SetOut(TextWriter.Null); // the console provider's output is not what is measured
        _sink = new SinkServer();
        _client = _sink.CreateClient();
        _none = LoggerFactory.Create(_ => { });
        _console = LoggerFactory.Create(b => b.AddConsole());
        _provider = new CloudWatchLoggerProvider(new CloudWatchLoggerOptions
        {
            Client = _client,
            LogGroupName = "watchtower-benchmarks",
            LogStreamName = "{logger_name}",
            Format = CloudWatchLogFormat.Text,
            QueueLimit = 200_000, // room for an iteration, so that no call waits or drops
        });
        _cloudWatch = LoggerFactory.Create(b => b.AddProvider(_provider));
        _messageOnly = LoggerFactory.Create(b => b.AddProvider(new MessageOnlyLoggerProvider()));
        _messageOnlyLogger = _messageOnly.CreateLogger("Benchmarks");
        _noneLogger = _none.CreateLogger("Benchmarks");
        _consoleLogger = _console.CreateLogger("Benchmarks");
        _cloudWatchLogger = _cloudWatch.CreateLogger("Benchmarks");
    }

    [IterationCleanup]
    public void DeliverWhatWasLogged() => _provider!.FlushAsync().GetAwaiter().GetResult();

    [GlobalCleanup]
    public void Cleanup()
    {
        _none.Dispose();
        _messageOnly.Dispose();
        _console.Dispose();
        _cloudWatch.Dispose();
        _client.Dispose();
        _sink.DisposeAsync().AsTask().GetAwaiter().GetResult();
    }

    [Benchmark(Baseline = true)]
    public void NoProvider() => _noneLogger.LogInformation(_message);

    /// <summary>MEL's own cost for one provider that only makes the message: the floor every provider starts from.</summary>
    [Benchmark]
    public void MessageOnlyProvider() => _messageOnlyLogger.LogInformation(_message);

    [Benchmark]
    public void ConsoleProvider() => _consoleLogger.LogInformation(_message);

    [Benchmark]
    public void CloudWatchProvider() => _cloudWatchLogger.LogInformation(_message);
}
