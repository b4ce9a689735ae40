using BenchmarkDotNet.Attributes;
using log4net.Appender;
using log4net.Core;
using log4net.Repository.Hierarchy;
using NLog.Targets;
using Serilog.Core;
using Serilog.Events;
using Watchtower.Log4Net;
using Watchtower.NLog;
using Watchtower.Serilog;
using Watchtower.Throughput;

namespace Watchtower.Benchmarks;

/// <summary>
/// What each adapter adds to a logging call: the framework writing to a sink, target or appender that does nothing,
/// against the same framework writing to Watchtower (JSON, one property, shipping to a fast local fake endpoint). The
/// difference is the adapter and the engine's hot path; allocation is the caller's.
/// </summary>
/// <remarks>Each iteration is 100,000 calls; everything is flushed between iterations (not measured).</remarks>
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
    private global::log4net.ILog _log4netNoop = null!;
    private global::log4net.ILog _log4netWatchtower = null!;
    private CloudWatchAppender _log4netAppender = null!;

    [GlobalSetup]
    public void Setup()
    {
        Environment.SetEnvironmentVariable("AWS_EC2_METADATA_DISABLED", "true");
        _sink = new SinkServer();
        _client = _sink.CreateClient();
        CloudWatchLogHandlerOptions Options() => new() { Client = _client, LogGroupName = "watchtower-benchmarks", LogStreamName = "{logger_name}", QueueLimit = 200_000 };

        _serilogNoop = new global::Serilog.LoggerConfiguration().WriteTo.Sink(new NoopSink()).CreateLogger();
        _serilogSink = new CloudWatchSink(Options());
        _serilogWatchtower = new global::Serilog.LoggerConfiguration().WriteTo.Sink(_serilogSink).CreateLogger();

        _nlogNoop = NLogFactory(new NullTarget("noop"));
        _nlogTarget = new CloudWatchTarget { Name = "cw", Client = _client, LogGroupName = "watchtower-benchmarks", LogStreamName = "{logger_name}", QueueLimit = 200_000 };
        _nlogWatchtower = NLogFactory(_nlogTarget);
        _nlogNoopLogger = _nlogNoop.GetLogger("Benchmarks");
        _nlogWatchtowerLogger = _nlogWatchtower.GetLogger("Benchmarks");

        _log4netNoop = Log4NetLogger(new NoopAppender());
        _log4netAppender = new CloudWatchAppender { Client = _client, LogGroupName = "watchtower-benchmarks", LogStreamName = "{logger_name}", QueueLimit = 200_000 };
        _log4netAppender.ActivateOptions();
        _log4netWatchtower = Log4NetLogger(_log4netAppender);
    }

    [IterationCleanup]
    public void DeliverWhatWasLogged()
    {
        _serilogSink.Handler.FlushAsync().GetAwaiter().GetResult();
        _nlogTarget.Handler!.FlushAsync().GetAwaiter().GetResult();
        _log4netAppender.Handler!.FlushAsync().GetAwaiter().GetResult();
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _serilogNoop.Dispose();
        _serilogWatchtower.Dispose();
        _nlogNoop.Shutdown();
        _nlogWatchtower.Shutdown();
        _log4netNoop.Logger.Repository!.Shutdown();
        _log4netWatchtower.Logger.Repository!.Shutdown();
        _client.Dispose();
        _sink.DisposeAsync().AsTask().GetAwaiter().GetResult();
    }

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

    /// <summary>log4net's floor: an appender that takes the event and does nothing.</summary>
    private sealed class NoopAppender : AppenderSkeleton
    {
        protected override void Append(LoggingEvent loggingEvent)
        {
        }
    }
}
