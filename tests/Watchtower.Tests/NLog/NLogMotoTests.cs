using System.Text.Json;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using NLog;
using NLog.Extensions.Logging;
using Watchtower.Tests.Support;

namespace Watchtower.Tests.NLog;

/// <summary>
/// Watchtower.NLog end to end against moto_server, configured only from NLog.config XML, with the credentials and the
/// endpoint in the environment as a deployed app has them (so these tests run apart, with a moto of their own).
/// </summary>
[Collection(ProcessEnvironmentCollection.Name)]
public sealed class NLogMotoTests(MotoFixture moto) : IClassFixture<MotoFixture>
{
    [Fact]
    public async Task ConfiguredFromXml_ThousandStructuredEvents_ArriveInOrderWithTheirProperties_AndShutdownDeliversAll()
    {
        using EnvironmentScope environment = Credentials();
        using CloudWatchLogsClient client = moto.CreateClient();
        using TempFolder folder = TempFolder.ForCaller();
        string group = MotoFixture.UniqueGroupName("nlog");
        string config = folder.Write("NLog.config", $$"""
            <?xml version="1.0" encoding="utf-8"?>
            <nlog xmlns="http://www.nlog-project.org/schemas/NLog.xsd" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" throwConfigExceptions="true">
              <extensions><add assembly="Watchtower.NLog"/></extensions>
              <targets>
                <target xsi:type="CloudWatch" name="cloudwatch" LogGroupName="{{group}}" LogStreamName="app-${logger}"
                        ServiceUrl="${environment:CW_ENDPOINT}" Region="us-east-1" SendInterval="00:10:00" LogGroupRetentionDays="7">
                  <contextproperty name="Application" layout="orders" />
                </target>
              </targets>
              <rules><logger name="*" minlevel="Debug" writeTo="cloudwatch"/></rules>
            </nlog>
            """);
        var factory = new LogFactory();
        factory.Setup().LoadConfigurationFromFile(config);
        Logger orders = factory.GetLogger("Orders");

        for (int i = 0; i < 1000; i++)
        {
            using (ScopeContext.PushProperty("RequestId", $"req-{i}"))
            {
                orders.Info("Order {OrderId} for {Customer} placed", i, "ada");
            }
        }

        orders.Error(new InvalidOperationException("card declined", new TimeoutException("gateway")), "Payment {OrderId} failed", 7);
        factory.Shutdown(); // delivers everything, with a 10-minute send interval

        List<JsonElement> events = await MotoFixture.JsonEventsAsync(client, group, "app-Orders");
        Assert.Equal(1001, events.Count);
        for (int i = 0; i < 1000; i++)
        {
            JsonElement e = events[i];
            Assert.Equal($"Order {i} for ada placed", e.GetProperty("message").GetString());
            Assert.Equal("Order {OrderId} for {Customer} placed", e.GetProperty("messageTemplate").GetString());
            Assert.Equal("Info", e.GetProperty("level").GetString());
            Assert.Equal("Orders", e.GetProperty("category").GetString());
            JsonElement properties = e.GetProperty("properties");
            Assert.Equal(i, properties.GetProperty("OrderId").GetInt32());
            Assert.Equal("ada", properties.GetProperty("Customer").GetString());
            Assert.Equal($"req-{i}", properties.GetProperty("RequestId").GetString());
            Assert.Equal("orders", properties.GetProperty("Application").GetString());
        }

        AdapterAssertions.CardDeclinedArrived(events[1000]);
        LogGroup described = Assert.Single(await client.EnumerateLogGroupsAsync(new DescribeLogGroupsRequest { LogGroupNamePrefix = group }).ToListAsync());
        Assert.Equal(7, described.RetentionInDays);
    }

    [Fact]
    public async Task FlushDelivers_WithoutShuttingDown()
    {
        using EnvironmentScope environment = Credentials();
        using CloudWatchLogsClient client = moto.CreateClient();
        using TempFolder folder = TempFolder.ForCaller();
        string group = MotoFixture.UniqueGroupName("nlog-flush");
        string config = folder.Write("NLog.config", $$"""
            <nlog xmlns="http://www.nlog-project.org/schemas/NLog.xsd" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" throwConfigExceptions="true">
              <extensions><add assembly="Watchtower.NLog"/></extensions>
              <targets><target xsi:type="CloudWatch" name="cw" LogGroupName="{{group}}" LogStreamName="fixed" ServiceUrl="${environment:CW_ENDPOINT}" Region="us-east-1" SendInterval="00:10:00"/></targets>
              <rules><logger name="*" minlevel="Info" writeTo="cw"/></rules>
            </nlog>
            """);
        var factory = new LogFactory();
        factory.Setup().LoadConfigurationFromFile(config);
        factory.GetLogger("x").Info("flushed, not shut down");

        factory.Flush(TimeSpan.FromSeconds(30));

        Assert.Single(await MotoFixture.JsonEventsAsync(client, group, "fixed"));
        factory.Shutdown();
    }

    [Fact]
    public async Task ConfiguredFromAppSettings_ThroughNLogExtensionsLogging_ShipsFromILogger()
    {
        using EnvironmentScope environment = Credentials();
        using CloudWatchLogsClient client = moto.CreateClient();
        using TempFolder folder = TempFolder.ForCaller();
        string group = MotoFixture.UniqueGroupName("nlog-appsettings");
        string settings = folder.Write("appsettings.json", $$"""
            {
              "NLog": {
                "throwConfigExceptions": true,
                "extensions": [{ "assembly": "Watchtower.NLog" }],
                "targets": {
                  "cw": { "type": "CloudWatch", "LogGroupName": "{{group}}", "LogStreamName": "{logger_name}", "ServiceUrl": "${environment:CW_ENDPOINT}", "Region": "us-east-1", "SendInterval": "00:10:00" }
                },
                "rules": [{ "logger": "*", "minLevel": "Info", "writeTo": "cw" }]
              }
            }
            """);
        IConfiguration configuration = new ConfigurationBuilder().AddJsonFile(settings).Build();
        var services = new ServiceCollection();
        services.AddLogging(logging => logging.ClearProviders().AddNLog(configuration));

        await using (ServiceProvider provider = services.BuildServiceProvider())
        {
            provider.GetRequiredService<ILogger<NLogMotoTests>>().LogInformation("Shipped {Count} items", 3);
        }

        LogManager.Shutdown();
        JsonElement e = Assert.Single(await MotoFixture.JsonEventsAsync(client, group, typeof(NLogMotoTests).FullName!));
        Assert.Equal("Shipped 3 items", e.GetProperty("message").GetString());
        Assert.Equal(3, e.GetProperty("properties").GetProperty("Count").GetInt32());
    }

    [Fact]
    public void InvalidOption_FailsAtConfigurationTime_TheNLogWay_NamingIt()
    {
        using TempFolder folder = TempFolder.ForCaller();
        string config = folder.Write("NLog.config", """
            <nlog xmlns="http://www.nlog-project.org/schemas/NLog.xsd" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" throwConfigExceptions="true">
              <extensions><add assembly="Watchtower.NLog"/></extensions>
              <targets><target xsi:type="CloudWatch" name="cw" LogGroupName="bad group name!" Region="us-east-1" LogGroupRetentionDays="2"/></targets>
              <rules><logger name="*" minlevel="Info" writeTo="cw"/></rules>
            </nlog>
            """);
        var factory = new LogFactory();

        NLogConfigurationException thrown = Assert.ThrowsAny<NLogConfigurationException>(() => factory.Setup().LoadConfigurationFromFile(config));

        string message = string.Join(" | ", Chain(thrown).Select(e => e.Message));
        Assert.Contains("LogGroupName", message, StringComparison.Ordinal);
        Assert.Contains("LogGroupRetentionDays", message, StringComparison.Ordinal);
        factory.Shutdown();
    }

    private EnvironmentScope Credentials() => EnvironmentScope.WithTestCredentials(("CW_ENDPOINT", moto.Endpoint.ToString()));

    private static IEnumerable<Exception> Chain(Exception e)
    {
        for (Exception? next = e; next is not null; next = next.InnerException)
        {
            yield return next;
        }
    }
}
