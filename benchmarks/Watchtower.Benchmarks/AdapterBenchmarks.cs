using BenchmarkDotNet.Attributes;
using log4net.Appender;
using log4net.Core;
using log4net.Repository.Hierarchy;
using NLog.Targets;
using Microsoft.Extensions.Logging;
using ILogger = Microsoft.Extensions.Logging.ILogger;
using ILoggerFactory = Microsoft.Extensions.Logging.ILoggerFactory;
using Serilog.Core;
using Serilog.Events;
using Watchtower.Extensions.Logging;
using Watchtower.Log4Net;
using Watchtower.NLog;
using Watchtower.Serilog;
using Watchtower.Throughput;

namespace Watchtower.Benchmarks;

/// <summary>
/// What each adapter adds to a logging call: the framework writing to a sink, target or appender that does nothing,
/// against the same framework writing to Watchtower (JSON, one property). The difference is the adapter and the
/// engine's hot path; allocation is the caller's. The MEL provider is measured the same way, for comparison.
/// </summary>
/// <remarks>
/// Each iteration is 100,000 calls. With <see cref="Sender"/> <c>shipping</c>, the engine ships to a fast fake
/// endpoint in this process while the caller logs, sharing the machine's cores as in an application; everything is
/// flushed between iterations (not measured). With <c>held</c>, the engine's first request never gets an answer, so
/// the sender takes nothing while the calls are measured and the queue is emptied between iterations: what remains
/// is the caller's own work (the adapter, the JSON, the queue's lock and copy).
/// </remarks>
[MemoryDiagnoser]
[InvocationCount(100_000)]
[MedianColumn]
public class AdapterBenchmarks
{
    private SinkServer _sink = null!;
    private CloudWatchLogsClient _client = null!;
    private global::Serilog.Core.Logger _serilogNoop = null!;
    private global::Serilog.Core.Logger _serilogWatchtower = null!;
    private CloudWatchSink _serilogSink = null!;
    private global::NLog.LogFactory _nlogNoop = null!;
    private global::NLog.LogFactory _nlogWatchtower = null!;
    private global::NLog.Logger _nlogNoopLogger = null!;
    private global::NLog.Logger _nlogWatchtowerLogger = null!;
    private CloudWatchTarget _nlogTarget = null!;
    private ILoggerFactory _melNoop = null!;
    private ILoggerFactory _melWatchtower = null!;
    private ILogger _melNoopLogger = null!;
    private ILogger _melWatchtowerLogger = null!;
    private CloudWatchLoggerProvider _melProvider = null!;
    private readonly List<Shipping.QueuedEvent> _drained = new(100_000);
    private global::log4net.ILog _log4netNoop = null!;
    private global::log4net.ILog _log4netWatchtower = null!;
    private CloudWatchAppender _log4netAppender = null!;

    /// <summary><c>shipping</c>: the sender delivers concurrently; <c>held</c>: it takes nothing (see remarks).</summary>
    [Params("shipping", "held")]
    public string Sender { get; set; } = "shipping";

    [GlobalSetup]
    public void Setup()
    {
        Environment.SetEnvironmentVariable("AWS_EC2_METADATA_DISABLED", "true");
        _sink = new SinkServer();
        _client = Sender == "held"
            ? new CloudWatchLogsClient(
                new CloudWatchLogsClientOptions { Region = "us-east-1", ServiceUrl = "http://127.0.0.1:9", Credentials = new Amazon.Runtime.BasicAWSCredentials("AKIDBENCH", "bench-secret") },
                new NeverAnswers())
            : _sink.CreateClient();
        CloudWatchLogHandlerOptions Options() => new() { Client = _client, LogGroupName = "watchtower-benchmarks", LogStreamName = "{logger_name}", QueueLimit = 200_000 };

        _serilogNoop = new global::Serilog.LoggerConfiguration().WriteTo.Sink(new NoopSink()).CreateLogger();
        _serilogSink = new CloudWatchSink(Options());
        _serilogWatchtower = new global::Serilog.LoggerConfiguration().WriteTo.Sink(_serilogSink).CreateLogger();

        _nlogNoop = NLogFactory(new NullTarget("noop"));
        _nlogTarget = new CloudWatchTarget { Name = "cw", Client = _client, LogGroupName = "watchtower-benchmarks", LogStreamName = "{logger_name}", QueueLimit = 200_000 };
        _nlogWatchtower = NLogFactory(_nlogTarget);
        _nlogNoopLogger = _nlogNoop.GetLogger("Benchmarks");
        _nlogWatchtowerLogger = _nlogWatchtower.GetLogger("Benchmarks");

        _melNoop = LoggerFactory.Create(b => b.AddProvider(new MessageOnlyLoggerProvider()));
        _melProvider = new CloudWatchLoggerProvider(new CloudWatchLoggerOptions
        {
            Client = _client, LogGroupName = "watchtower-benchmarks", LogStreamName = "{logger_name}", Format = CloudWatchLogFormat.Json, IncludeScopes = false, QueueLimit = 200_000,
        });
        _melWatchtower = LoggerFactory.Create(b => b.AddProvider(_melProvider));
        _melNoopLogger = _melNoop.CreateLogger("Benchmarks");
        _melWatchtowerLogger = _melWatchtower.CreateLogger("Benchmarks");

        _log4netNoop = Log4NetLogger(new NoopAppender());
        _log4netAppender = new CloudWatchAppender { Client = _client, LogGroupName = "watchtower-benchmarks", LogStreamName = "{logger_name}", QueueLimit = 200_000 };
        _log4netAppender.ActivateOptions();
        _log4netWatchtower = Log4NetLogger(_log4netAppender);
    }

    [IterationCleanup]
    public void DeliverWhatWasLogged()
    {
        foreach (CloudWatchLogHandler handler in new[] { _serilogSink.Handler, _nlogTarget.Handler!, _log4netAppender.Handler!, _melProvider.Handler })
        {
            if (Sender == "held")
            {
                _drained.Clear();
                handler.Queue!.Drain(_drained, int.MaxValue, long.MaxValue, out _, out _);
                handler.Queue.OnDrainProcessed();
            }
            else
            {
                handler.FlushAsync().GetAwaiter().GetResult();
            }
        }
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _serilogNoop.Dispose();
        _serilogWatchtower.Dispose();
        _nlogNoop.Shutdown();
        _nlogWatchtower.Shutdown();
        _melNoop.Dispose();
        _melWatchtower.Dispose();
        _log4netNoop.Logger.Repository!.Shutdown();
        _log4netWatchtower.Logger.Repository!.Shutdown();
        _client.Dispose();
        _sink.DisposeAsync().AsTask().GetAwaiter().GetResult();
    }

    [Benchmark]
    public void MelToMessageOnlyProvider() => _melNoopLogger.LogInformation("Order {OrderId} placed", 42);

    [Benchmark]
    public void MelToWatchtower() => _melWatchtowerLogger.LogInformation("Order {OrderId} placed", 42);

    [Benchmark]
    public void SerilogToNoopSink() => _serilogNoop.Information("Order {OrderId} placed", 42);

    [Benchmark]
    public void SerilogToWatchtower() => _serilogWatchtower.Information("Order {OrderId} placed", 42);

    [Benchmark]
    public void NLogToNullTarget() => _nlogNoopLogger.Info("Order {OrderId} placed", 42);

    [Benchmark]
    public void NLogToWatchtower() => _nlogWatchtowerLogger.Info("Order {OrderId} placed", 42);

    [Benchmark]
    public void Log4NetToNoopAppender() => _log4netNoop.InfoFormat("Order {0} placed", 42);

    [Benchmark]
    public void Log4NetToWatchtower() => _log4netWatchtower.InfoFormat("Order {0} placed", 42);

    private static global::NLog.LogFactory NLogFactory(Target target)
    {
        var factory = new global::NLog.LogFactory();
        var configuration = new global::NLog.Config.LoggingConfiguration(factory);
        configuration.AddRuleForAllLevels(target);
        factory.Configuration = configuration;
        return factory;
    }

    private static global::log4net.ILog Log4NetLogger(IAppender appender)
    {
        var hierarchy = (Hierarchy)global::log4net.LogManager.CreateRepository(Guid.NewGuid().ToString("N"));
        hierarchy.Root.AddAppender(appender);
        hierarchy.Root.Level = Level.All;
        hierarchy.Configured = true;
        return global::log4net.LogManager.GetLogger(hierarchy.Name, "Benchmarks");
    }

    /// <summary>Serilog's floor: a sink that takes the event and does nothing.</summary>
    private sealed class NoopSink : ILogEventSink
    {
        public void Emit(LogEvent logEvent)
        {
        }
    }

    /// <summary>An endpoint that never answers: the sender waits on its first request and takes nothing more.</summary>
    private sealed class NeverAnswers : HttpMessageHandler
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken) =>
            Task.Delay(Timeout.Infinite, cancellationToken).ContinueWith<HttpResponseMessage>(_ => throw new OperationCanceledException(cancellationToken), TaskScheduler.Default);
    }

    /// <summary>log4net's floor: an appender that takes the event and does nothing.</summary>
    private sealed class NoopAppender : AppenderSkeleton
    {
        protected override void Append(LoggingEvent loggingEvent)
        {
        }
    }
}
