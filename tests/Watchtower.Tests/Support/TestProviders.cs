using Watchtower.Diagnostics;
using Watchtower.Extensions.Logging;

namespace Watchtower.Tests.Support;

/// <summary>The logging provider on a handler made for a test: on its clock, with its warnings recorded.</summary>
internal static class TestProviders
{
    public static CloudWatchLoggerProvider Create(CloudWatchLoggerOptions options, TimeProvider clock, Action<string> warnings) =>
        new(options, new CloudWatchLogHandler(options, clock, new WarningSink(warnings, clock)), clock);
}
