using log4net;
using log4net.Config;
using log4net.Repository;

namespace Watchtower.Samples;

/// <summary>
/// A console app that logs through log4net, configured only by log4net.config (the CloudWatch appender), with
/// ThreadContext and GlobalContext properties, shuts log4net down (which delivers), and prints what CloudWatch Logs holds.
/// </summary>
public static class Log4NetConsoleSample
{
    public static async Task<int> RunAsync(Uri endpoint, TextWriter output, string? logGroupName = null)
    {
        string group = logGroupName ?? "/watchtower/samples/log4net";
        Environment.SetEnvironmentVariable("CW_ENDPOINT", endpoint.ToString());
        Environment.SetEnvironmentVariable("CW_GROUP", group);

        ILoggerRepository repository = LogManager.CreateRepository("log4net-sample-" + Guid.NewGuid().ToString("N"));
        XmlConfigurator.Configure(repository, new FileInfo(Path.Combine(AppContext.BaseDirectory, "log4net.config")));
        ILog logger = LogManager.GetLogger(repository.Name, "Orders");
        GlobalContext.Properties["Application"] = "log4net-console";
        ThreadContext.Properties["CheckoutId"] = "c-1001";
        logger.InfoFormat("Order {0} placed by {1} for {2} EUR", 42, "Zoë Ångström", 99.5m);
        logger.WarnFormat("Payment for order {0} took {1} ms", 42, 2350);
        logger.Error("Order 42 could not be reserved", new TimeoutException("the warehouse did not answer"));
        ThreadContext.Properties.Remove("CheckoutId");

        repository.Shutdown(); // delivers what is queued; LogManager.Shutdown() does the same for every repository
        return await SampleReadBack.PrintAsync(endpoint, group, "console-Orders", expected: 3, output);
    }
}
