using NLog;

namespace Watchtower.Samples;

/// <summary>
/// A console app that logs through NLog, configured only by NLog.config (the CloudWatch target, its layouts and a
/// context property), shuts NLog down (which delivers), and prints what CloudWatch Logs holds.
/// </summary>
public static class NLogConsoleSample
{
    public static async Task<int> RunAsync(Uri endpoint, TextWriter output, string? logGroupName = null)
    {
        // NLog.config reads both from the environment: ${environment:CW_ENDPOINT} and ${environment:CW_GROUP}.
        string group = logGroupName ?? "/watchtower/samples/nlog";
        Environment.SetEnvironmentVariable("CW_ENDPOINT", endpoint.ToString());
        Environment.SetEnvironmentVariable("CW_GROUP", group);

        var factory = new LogFactory();
        factory.Setup().LoadConfigurationFromFile(Path.Combine(AppContext.BaseDirectory, "NLog.config"));
        Logger logger = factory.GetLogger("Orders");
        using (ScopeContext.PushProperty("CheckoutId", "c-1001"))
        {
            logger.Info("Order {OrderId} placed by {Customer} for {Amount} EUR", 42, "Zoë Ångström", 99.5m);
            logger.Warn("Payment for order {OrderId} took {ElapsedMs} ms", 42, 2350);
            logger.Error(new TimeoutException("the warehouse did not answer"), "Order {OrderId} could not be reserved", 42);
        }

        factory.Shutdown(); // delivers what is queued
        return await SampleReadBack.PrintAsync(endpoint, group, "console-Orders", expected: 3, output);
    }
}
