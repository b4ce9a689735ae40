using Microsoft.Extensions.Logging;

namespace Watchtower.Benchmarks;

/// <summary>A provider whose loggers make each message (as every real provider must) and do nothing else.</summary>
internal sealed class MessageOnlyLoggerProvider : ILoggerProvider
{
    public ILogger CreateLogger(string categoryName) => new MessageOnlyLogger();

    public void Dispose()
    {
    }

    private sealed class MessageOnlyLogger : ILogger
    {
        public static int Length { get; private set; }

        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            Length = formatter(state, exception).Length;
    }
}
