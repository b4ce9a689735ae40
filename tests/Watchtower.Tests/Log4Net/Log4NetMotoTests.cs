using System.Text.Json;
using log4net;
using log4net.Config;
using log4net.Repository;
using log4net.Util;
using Watchtower.Tests.Support;

namespace Watchtower.Tests.Log4Net;

/// <summary>
/// Watchtower.Log4Net end to end against moto_server, configured only from log4net XML, with the credentials in the
/// environment as a deployed app has them (so these tests run apart, with a moto of their own).
/// </summary>
[Collection(ProcessEnvironmentCollection.Name)]
public sealed class Log4NetMotoTests(MotoFixture moto) : IClassFixture<MotoFixture>
{
    [Fact]
    public async Task ConfiguredFromXml_ThousandEvents_ArriveInOrderWithTheContextsProperties_AndShutdownDeliversAll()
    {
        using EnvironmentScope environment = Credentials();
        using CloudWatchLogsClient client = moto.CreateClient();
        using TempFolder folder = TempFolder.ForCaller();
        string group = MotoFixture.UniqueGroupName("log4net");
        ILoggerRepository repository = Configure(folder, $"""
            <log4net>
              <appender name="cloudwatch" type="Watchtower.Log4Net.CloudWatchAppender, Watchtower.Log4Net">
                <LogGroupName value="{group}" />
                <LogStreamName value="app-{"{logger_name}"}" />
                <ServiceUrl value="{moto.Endpoint}" />
                <Region value="us-east-1" />
                <SendInterval value="00:10:00" />
                <LogGroupRetentionDays value="3" />
              </appender>
              <root><level value="DEBUG" /><appender-ref ref="cloudwatch" /></root>
            </log4net>
            """);
        ILog orders = LogManager.GetLogger(repository.Name, "Orders");
        GlobalContext.Properties["Application"] = "orders";

        for (int i = 0; i < 1000; i++)
        {
            ThreadContext.Properties["RequestId"] = $"req-{i}";
            using (LogicalThreadContext.Stacks["operation"].Push("checkout"))
            {
                orders.InfoFormat("Order {0} placed", i);
            }
        }

        ThreadContext.Properties.Remove("RequestId");
        orders.Error("Payment failed", new InvalidOperationException("card declined", new TimeoutException("gateway")));
        repository.Shutdown(); // what LogManager.Shutdown() does: delivers everything, with a 10-minute send interval
        GlobalContext.Properties.Remove("Application");

        List<JsonElement> events = await MotoFixture.JsonEventsAsync(client, group, "app-Orders");
        Assert.Equal(1001, events.Count);
        for (int i = 0; i < 1000; i++)
        {
            JsonElement e = events[i];
            Assert.Equal($"Order {i} placed", e.GetProperty("message").GetString());
            Assert.Equal("INFO", e.GetProperty("level").GetString());
            Assert.Equal("Orders", e.GetProperty("category").GetString());
            JsonElement properties = e.GetProperty("properties");
            Assert.Equal($"req-{i}", properties.GetProperty("RequestId").GetString());
            Assert.Equal("orders", properties.GetProperty("Application").GetString());
            Assert.Equal("checkout", properties.GetProperty("operation").GetString());
        }

        AdapterAssertions.CardDeclinedArrived(events[1000]);
        LogGroup described = Assert.Single(await client.EnumerateLogGroupsAsync(new DescribeLogGroupsRequest { LogGroupNamePrefix = group }).ToListAsync());
        Assert.Equal(3, described.RetentionInDays);
    }

    [Fact]
    public void InvalidOption_IsToldOnLog4NetsInternalDebug_NamingIt_AndNothingThrows()
    {
        using TempFolder folder = TempFolder.ForCaller();
        var told = new List<string>();
        void Record(object? sender, LogReceivedEventArgs e) => told.Add(e.LogLog.Message);
        LogLog.LogReceived += Record;
        try
        {
            ILoggerRepository repository = Configure(folder, """
                <log4net>
                  <appender name="cloudwatch" type="Watchtower.Log4Net.CloudWatchAppender, Watchtower.Log4Net">
                    <LogGroupName value="bad group name!" />
                    <Region value="us-east-1" />
                    <LogGroupRetentionDays value="2" />
                  </appender>
                  <root><level value="INFO" /><appender-ref ref="cloudwatch" /></root>
                </log4net>
                """);
            LogManager.GetLogger(repository.Name, "x").Info("goes nowhere, and does not throw");
            repository.Shutdown();
        }
        finally
        {
            LogLog.LogReceived -= Record;
        }

        string message = Assert.Single(told, m => m.Contains("CloudWatchAppender 'cloudwatch' is not started", StringComparison.Ordinal));
        Assert.Contains("LogGroupName", message, StringComparison.Ordinal);
        Assert.Contains("LogGroupRetentionDays", message, StringComparison.Ordinal);
    }

    private static ILoggerRepository Configure(TempFolder folder, string xml)
    {
        string file = folder.Write("log4net.config", xml);
        ILoggerRepository repository = LogManager.CreateRepository(Guid.NewGuid().ToString("N"));
        XmlConfigurator.Configure(repository, new FileInfo(file));
        return repository;
    }

    private static EnvironmentScope Credentials() => EnvironmentScope.WithTestCredentials();
}
