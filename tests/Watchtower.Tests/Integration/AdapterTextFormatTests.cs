using log4net.Repository.Hierarchy;
using Serilog;
using Watchtower.Log4Net;
using Watchtower.NLog;
using Watchtower.Serilog;
using Watchtower.Tests.Support;

namespace Watchtower.Tests.Integration;

/// <summary>
/// The three adapters' text format against the strict in-process fake: the same line as the MEL provider's text
/// format, with the exception's inner chain and stack trace on that one line, whichever framework logged it.
/// </summary>
public sealed class AdapterTextFormatTests : IDisposable
{
    private const string Group = "/app/text";
    private const string Line = @"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z {0} Billing: Charge failed\\nfor order 42 \| System.InvalidOperationException: declined ---> System.TimeoutException: gateway[^\n]*--- End of inner exception stack trace ---[^\n]*{1}[^\n]*$";
    private readonly StrictCloudWatchFake _fake = new(TimeProvider.System);
    private readonly CloudWatchLogsClient _client;

    public AdapterTextFormatTests()
    {
        _client = HandlerHarness.CreateClient(_fake, TimeProvider.System);
    }

    public void Dispose()
    {
        _client.Dispose();
        _fake.Dispose();
    }

    [Fact]
    public void Serilog_TextFormat_WritesTheWholeChainOnOneLine()
    {
        using (var logger = new LoggerConfiguration()
            .WriteTo.CloudWatch(logGroupName: Group, logStreamName: "serilog", format: CloudWatchSinkFormat.Text, client: _client)
            .CreateLogger())
        {
            logger.ForContext("SourceContext", "Billing").Error(Declined(), "Charge failed\nfor order {OrderId}", 42);
        }

        Assert.Matches(Expected("Error"), Assert.Single(_fake.Messages(Group, "serilog")));
    }

    [Fact]
    public void NLog_TextFormat_WritesTheWholeChainOnOneLine()
    {
        var factory = new global::NLog.LogFactory();
        var configuration = new global::NLog.Config.LoggingConfiguration(factory);
        configuration.AddRuleForAllLevels(new CloudWatchTarget { Name = "cw", Client = _client, LogGroupName = Group, LogStreamName = "nlog", Format = CloudWatchTargetFormat.Text });
        factory.Configuration = configuration;

        factory.GetLogger("Billing").Error(Declined(), "Charge failed\nfor order {OrderId}", 42);
        factory.Shutdown();

        Assert.Matches(Expected("Error"), Assert.Single(_fake.Messages(Group, "nlog")));
    }

    [Fact]
    public void Log4Net_TextFormat_WritesTheWholeChainOnOneLine()
    {
        var hierarchy = (Hierarchy)global::log4net.LogManager.CreateRepository(Guid.NewGuid().ToString("N"));
        var appender = new CloudWatchAppender { Client = _client, LogGroupName = Group, LogStreamName = "log4net", Format = CloudWatchAppenderFormat.Text };
        appender.ActivateOptions();
        hierarchy.Root.AddAppender(appender);
        hierarchy.Root.Level = global::log4net.Core.Level.All;
        hierarchy.Configured = true;

        global::log4net.LogManager.GetLogger(hierarchy.Name, "Billing").Error("Charge failed\nfor order 42", Declined());
        hierarchy.Shutdown();

        Assert.Matches(Expected("ERROR"), Assert.Single(_fake.Messages(Group, "log4net")));
    }

    private static string Expected(string level) => Line.Replace("{0}", level, StringComparison.Ordinal).Replace("{1}", nameof(Declined), StringComparison.Ordinal);

    private static InvalidOperationException Declined()
    {
        try
        {
            try
            {
                throw new TimeoutException("gateway");
            }
            catch (TimeoutException inner)
            {
                throw new InvalidOperationException("declined", inner);
            }
        }
        catch (InvalidOperationException e)
        {
            return e;
        }
    }
}
