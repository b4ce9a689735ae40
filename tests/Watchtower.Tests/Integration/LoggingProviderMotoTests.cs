using System.Text.Json;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Watchtower.Diagnostics;
using Watchtower.Extensions.Logging;
using Watchtower.Tests.Support;

namespace Watchtower.Tests.Integration;

/// <summary>AddCloudWatch() end to end against moto_server: configuration in, events and group settings out.</summary>
[Collection(MotoCollection.Name)]
public sealed class LoggingProviderMotoTests(MotoFixture moto)
{
    private static async Task<List<string>> MessagesAsync(CloudWatchLogsClient client, string group, string stream)
    {
        var messages = new List<string>();
        await foreach (OutputLogEvent e in client.EnumerateLogEventsAsync(new GetLogEventsRequest { LogGroupName = group, LogStreamName = stream, StartFromHead = true }))
        {
            messages.Add(JsonDocument.Parse(e.Message).RootElement.GetProperty("message").GetString()!);
        }

        return messages;
    }

    private static async Task<List<string>> StreamNamesAsync(CloudWatchLogsClient client, string group)
    {
        var names = new List<string>();
        await foreach (LogStream s in client.EnumerateLogStreamsAsync(new DescribeLogStreamsRequest { LogGroupName = group }))
        {
            names.Add(s.LogStreamName);
        }

        return names;
    }

    [Fact]
    public async Task AppSettingsFile_SetsGroupStreamRetentionAndTags_AndEventsArriveInOrder()
    {
        using CloudWatchLogsClient client = moto.CreateClient();
        using TempFolder folder = TempFolder.ForCaller();
        string group = MotoFixture.UniqueGroupName("appsettings");
        string settings = folder.Write("appsettings.json", $$"""
            {
              "Logging": {
                "CloudWatch": {
                  "LogLevel": { "Default": "Information" },
                  "LogGroupName": "{{group}}",
                  "LogStreamName": "svc-{logger_name}-{strftime:%Y%m%d}",
                  "LogGroupRetentionDays": 30,
                  "LogGroupTags": { "team": "payments", "env": "integration" },
                  "SendInterval": "00:10:00"
                }
              }
            }
            """);
        IConfiguration configuration = new ConfigurationBuilder().AddJsonFile(settings).Build();
        var services = new ServiceCollection();
        services.AddLogging(b => b.AddConfiguration(configuration.GetSection("Logging")).AddCloudWatch(o => o.Client = client));
        string[] logged = Enumerable.Range(0, 50).Select(i => $"event {i:D2} — ünïcødé").ToArray();

        await using (ServiceProvider provider = services.BuildServiceProvider())
        {
            ILogger logger = provider.GetRequiredService<ILoggerFactory>().CreateLogger("Billing");
            logger.LogDebug("below the configured level");
            foreach (string message in logged)
            {
                logger.LogInformation(message);
            }
        }

        string stream = $"svc-Billing-{DateTime.UtcNow:yyyyMMdd}";
        Assert.Equal([stream], await StreamNamesAsync(client, group));
        Assert.Equal(logged, await MessagesAsync(client, group, stream));
        LogGroup described = Assert.Single(await client.EnumerateLogGroupsAsync(new DescribeLogGroupsRequest { LogGroupNamePrefix = group }).ToListAsync());
        Assert.Equal(30, described.RetentionInDays);
        IReadOnlyDictionary<string, string> tags = await client.ListTagsForResourceAsync(described.Arn![..^2]);
        Assert.Equal("payments", tags["team"]);
        Assert.Equal("integration", tags["env"]);
    }

    [Fact]
    public async Task Stream_IsCreatedOnFirstEmit_AndRecreatedAfterDeletionMidRun()
    {
        using CloudWatchLogsClient client = moto.CreateClient();
        string group = MotoFixture.UniqueGroupName("recreate");
        await using var provider = new CloudWatchLoggerProvider(new CloudWatchLoggerOptions { LogGroupName = group, LogStreamName = "{logger_name}", Client = client });
        ILogger logger = provider.CreateLogger("app");

        logger.LogInformation("first");
        await provider.FlushAsync();
        Assert.Equal(["app"], await StreamNamesAsync(client, group));

        await client.DeleteLogStreamAsync(group, "app");
        logger.LogInformation("second");
        await provider.FlushAsync();

        Assert.Equal(["second"], await MessagesAsync(client, group, "app"));
        Assert.Equal(0, provider.Handler.Metrics.DroppedTotal);
    }

    [Fact]
    public async Task Group_DeletedMidRun_IsRecreated()
    {
        using CloudWatchLogsClient client = moto.CreateClient();
        string group = MotoFixture.UniqueGroupName("regroup");
        await using var provider = new CloudWatchLoggerProvider(new CloudWatchLoggerOptions { LogGroupName = group, LogStreamName = "{logger_name}", Client = client, LogGroupRetentionDays = 5 });
        ILogger logger = provider.CreateLogger("app");
        logger.LogInformation("first");
        await provider.FlushAsync();

        await client.DeleteLogGroupAsync(group);
        logger.LogInformation("second");
        await provider.FlushAsync();

        Assert.Equal(["second"], await MessagesAsync(client, group, "app"));
        Assert.Equal(5, Assert.Single(await client.EnumerateLogGroupsAsync(new DescribeLogGroupsRequest { LogGroupNamePrefix = group }).ToListAsync()).RetentionInDays);
    }

    [Fact]
    public async Task ExistingStream_IsReused()
    {
        using CloudWatchLogsClient client = moto.CreateClient();
        string group = MotoFixture.UniqueGroupName("reuse");
        await client.CreateLogGroupAsync(new CreateLogGroupRequest { LogGroupName = group });
        await client.CreateLogStreamAsync(group, "app");
        await client.PutLogEventsAsync(group, "app", [new InputLogEvent(DateTimeOffset.UtcNow.AddSeconds(-1), "{\"message\":\"already there\"}")]);

        await using (var provider = new CloudWatchLoggerProvider(new CloudWatchLoggerOptions { LogGroupName = group, LogStreamName = "{logger_name}", Client = client }))
        {
            provider.CreateLogger("app").LogInformation("appended");
        }

        Assert.Equal(["already there", "appended"], await MessagesAsync(client, group, "app"));
    }

    [Fact]
    public async Task FlushThenClose_DeliversEverything_AndLoggingAfterCloseWarns()
    {
        using CloudWatchLogsClient client = moto.CreateClient();
        string group = MotoFixture.UniqueGroupName("close");
        var warnings = new System.Collections.Concurrent.ConcurrentQueue<string>();
        var provider = TestProviders.Create(
            new CloudWatchLoggerOptions { LogGroupName = group, LogStreamName = "{logger_name}", Client = client, SendInterval = TimeSpan.FromHours(1) },
            TimeProvider.System,
            warnings.Enqueue);
        ILogger[] loggers = [provider.CreateLogger("a"), provider.CreateLogger("b"), provider.CreateLogger("c")];
        for (int i = 0; i < 300; i++)
        {
            loggers[i % 3].LogInformation("message {Number}", i);
        }

        await provider.FlushAsync();
        await provider.DisposeAsync();
        loggers[0].LogInformation("after close");

        foreach ((string stream, int offset) in new[] { ("a", 0), ("b", 1), ("c", 2) })
        {
            Assert.Equal(Enumerable.Range(0, 100).Select(i => $"message {(i * 3) + offset}"), await MessagesAsync(client, group, stream));
        }

        Assert.Equal(300, provider.Handler.Metrics.Sent);
        Assert.Equal(1, provider.Handler.Metrics.Dropped(DropReason.AfterShutdown));
        Assert.Contains(warnings, w => w.Contains("Received message after logging system shutdown", StringComparison.Ordinal));
    }
}
