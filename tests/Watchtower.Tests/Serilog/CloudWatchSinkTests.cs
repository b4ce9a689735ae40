using System.Text.Json;
using Serilog;
using Serilog.Formatting.Display;
using Watchtower.Diagnostics;
using Watchtower.Serilog;
using Watchtower.Tests.Support;

namespace Watchtower.Tests.Serilog;

/// <summary>The Serilog sink against the strict in-process fake: formats, limits, and never shipping the library's own events.</summary>
public sealed class CloudWatchSinkTests : IDisposable
{
    private const string Group = "/app/serilog";
    private readonly StrictCloudWatchFake _fake = new(TimeProvider.System);
    private readonly CloudWatchLogsClient _client;

    public CloudWatchSinkTests()
    {
        _client = HandlerHarness.CreateClient(_fake, TimeProvider.System);
    }

    public void Dispose()
    {
        _client.Dispose();
        _fake.Dispose();
    }

    [Fact]
    public async Task AnEventOverTheSizeLimit_StaysValidJson_WithItsMessageCut_AndSaysSo()
    {
        var sink = new CloudWatchSink(Options(o => o.MaxMessageSize = 2_000));
        using (var logger = new LoggerConfiguration().WriteTo.Sink(sink).CreateLogger())
        {
            logger.Information("Big {Payload} \"quoted\"", new string('é', 5_000));
        }

        string message = Assert.Single(_fake.AllMessages(Group));
        Assert.InRange(System.Text.Encoding.UTF8.GetByteCount(message), 1, 2_000 - 26);
        JsonElement e = JsonDocument.Parse(message).RootElement;
        Assert.True(e.GetProperty("truncated").GetBoolean());
        Assert.EndsWith(CloudWatchLogHandlerOptions.TruncationMarker, e.GetProperty("message").GetString(), StringComparison.Ordinal);
        Assert.StartsWith("Big ", e.GetProperty("message").GetString(), StringComparison.Ordinal);
        Assert.Equal(1, sink.Handler.Metrics.Truncated);
    }

    [Fact]
    public void TextFormat_AndAUsersFormatter_AreUsedAsTheyAre()
    {
        using (var logger = new LoggerConfiguration()
            .WriteTo.CloudWatch(logGroupName: Group, logStreamName: "text", format: CloudWatchSinkFormat.Text, client: _client)
            .WriteTo.CloudWatch(logGroupName: Group, logStreamName: "own", formatter: new MessageTemplateTextFormatter("{Level:u3} {Message:lj}{NewLine}"), client: _client)
            .CreateLogger())
        {
            logger.ForContext("SourceContext", "Billing").Warning(new InvalidOperationException("no"), "Charged {Amount}", 12.5);
        }

        Assert.Matches(@"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z Warning Billing: Charged 12.5 \| System.InvalidOperationException: no$", Assert.Single(_fake.Messages(Group, "text")));
        Assert.Equal("WRN Charged 12.5", Assert.Single(_fake.Messages(Group, "own")));
    }

    [Fact]
    public async Task EventsRaisedOnTheEnginesOwnSendingPath_AreNeverShipped()
    {
        var sink = new CloudWatchSink(Options());
        using (var logger = new LoggerConfiguration().WriteTo.Sink(sink).CreateLogger())
        {
            logger.Information("from the application");
            await Task.Run(() =>
            {
                SenderScope.Enter(); // what the engine's sender and its HTTP requests run inside
                logger.Information("from HttpClient, inside a PutLogEvents call");
            });
        }

        string message = Assert.Single(_fake.AllMessages(Group));
        Assert.Equal("from the application", JsonDocument.Parse(message).RootElement.GetProperty("message").GetString());
    }

    [Fact]
    public void StreamNames_ComeFromTheTemplate_WithSourceContextAsTheLoggerName()
    {
        using (var logger = new LoggerConfiguration().WriteTo.CloudWatch(logGroupName: Group, logStreamName: "app-{logger_name}", client: _client).CreateLogger())
        {
            logger.ForContext("SourceContext", "Orders").Information("one");
            logger.ForContext("SourceContext", "Billing").Information("two");
            logger.Information("three");
        }

        Assert.Single(_fake.Messages(Group, "app-Orders"));
        Assert.Single(_fake.Messages(Group, "app-Billing"));
        Assert.Single(_fake.Messages(Group, "app-"));
    }

    private CloudWatchLogHandlerOptions Options(Action<CloudWatchLogHandlerOptions>? configure = null)
    {
        var options = new CloudWatchLogHandlerOptions { LogGroupName = Group, LogStreamName = "s", Client = _client };
        configure?.Invoke(options);
        return options;
    }
}
