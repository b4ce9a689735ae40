using System.Collections.Concurrent;
using Serilog.Core;
using Serilog.Debugging;
using Serilog.Events;
using Serilog.Formatting;

namespace Watchtower.Serilog;

/// <summary>
/// A Serilog sink that ships each event to CloudWatch Logs through Watchtower's engine (<see cref="CloudWatchLogHandler"/>):
/// the event is formatted on the logging thread into UTF-8 and handed over; batching, the delivery deadline,
/// retries, limits, metrics and shutdown are the engine's. Never throws into the application. Disposing it (which
/// <c>Log.CloseAndFlush()</c> does) delivers what is queued within <see cref="CloudWatchLogHandlerOptions.ShutdownTimeout"/>.
/// </summary>
public sealed class CloudWatchSink : ILogEventSink, IDisposable, IAsyncDisposable
{
    private readonly CloudWatchLogHandler _handler;
    private readonly SerilogEventFormatter _format;
    private readonly ConcurrentDictionary<string, CloudWatchStreamName> _streams = new(StringComparer.Ordinal);
    private readonly Func<string, CloudWatchStreamName> _newStream;

    /// <summary>Creates the sink and its engine; nothing is sent until the first event, and no AWS call is made here.</summary>
    /// <param name="options">Where and how to send; checked now (every problem in one <see cref="ArgumentException"/>).</param>
    /// <param name="format">JSON (the default) or text, when no <paramref name="formatter"/> is given.</param>
    /// <param name="formatter">Serilog's own formatter, used as it is when given (its output is the message).</param>
    /// <exception cref="ArgumentException">The options are invalid.</exception>
    public CloudWatchSink(CloudWatchLogHandlerOptions options, CloudWatchSinkFormat format = CloudWatchSinkFormat.Json, ITextFormatter? formatter = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        _handler = new CloudWatchLogHandler(options);
        _format = new SerilogEventFormatter(format, formatter, _handler.MaxMessageBytes);
        _newStream = _handler.GetStreamName;
    }

    /// <summary>The engine behind the sink, for <see cref="CloudWatchLogHandler.FlushAsync"/>.</summary>
    public CloudWatchLogHandler Handler => _handler;

    /// <inheritdoc/>
    public void Emit(LogEvent logEvent)
    {
        // The engine's own HTTP requests (and anything they log) must never be shipped: each would be a request of its own.
        if (logEvent is null || CloudWatchLogHandler.IsSenderContext)
        {
            return;
        }

        try
        {
            string category = SerilogEventFormatter.SourceContext(logEvent);
            string stream = _streams.GetOrAdd(category, _newStream).For(logEvent.Timestamp);
            _format.Ship(_handler, logEvent, category, stream);
        }
        catch (Exception e)
        {
            // A bug of ours, or a formatter that throws: tell Serilog's SelfLog, and ship what can be said rather than
            // lose the event silently (the engine counts it like any other).
            SelfLog.WriteLine("Watchtower.Serilog could not format an event: {0}", e);
            _handler.Emit($"[Watchtower could not format this {logEvent.Level} event: {e.GetType().Name}: {e.Message}] {logEvent.MessageTemplate.Text}", logEvent.Timestamp, SerilogEventFormatter.SourceContext(logEvent));
        }
    }

    /// <summary>Delivers what is queued (within ShutdownTimeout) and stops the engine.</summary>
    public void Dispose() => _handler.Dispose();

    /// <inheritdoc cref="Dispose"/>
    public ValueTask DisposeAsync() => _handler.DisposeAsync();
}
