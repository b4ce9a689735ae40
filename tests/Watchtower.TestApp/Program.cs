using System.Globalization;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Watchtower.Extensions.Logging;

// Logs WT_EVENTS numbered events to WT_ENDPOINT / WT_GROUP, says "ready" on stdout, then does what the mode says.
// Modes: factory (LoggerFactory.Create, no host, then waits to be stopped), host (a Generic Host, then waits to be
// stopped), cancelkey (handles Ctrl-C itself: cancels it, logs once more and exits in order), unhandled (then dies of
// an unhandled exception, after its own handler logs a last event), exit (then returns from Main without disposing),
// buffer-log and buffer-drain (the on-disk buffer, on the engine itself: see BufferModes).
string mode = args.Length > 0 ? args[0] : "factory";

// A process started from a non-interactive shell may inherit SIGINT as ignored; the tests send it on purpose.
Watchtower.TestApp.Signals.RestoreDefaultInterrupt();
string endpoint = Environment.GetEnvironmentVariable("WT_ENDPOINT") ?? throw new InvalidOperationException("WT_ENDPOINT is not set.");
string group = Environment.GetEnvironmentVariable("WT_GROUP") ?? "/watchtower/testapp";
int events = int.Parse(Environment.GetEnvironmentVariable("WT_EVENTS") ?? "100", CultureInfo.InvariantCulture);

void Configure(CloudWatchLoggerOptions o)
{
    o.LogGroupName = group;
    o.LogStreamName = "app";
    o.ServiceUrl = endpoint;
    o.Region = Environment.GetEnvironmentVariable("WT_NO_REGION") is null ? "us-east-1" : null; // a machine with no AWS setup
    o.Format = CloudWatchLogFormat.Text;
    o.SendInterval = TimeSpan.FromMinutes(5); // nothing goes out before the process is stopped, unless shutdown delivers it
}

void LogNumbered(ILogger logger)
{
    for (int i = 0; i < events; i++)
    {
        logger.LogInformation("event {Number}", i);
    }

    Console.WriteLine("ready");
    Console.Out.Flush();
}

if (mode.StartsWith("buffer-", StringComparison.Ordinal))
{
    return Watchtower.TestApp.BufferModes.Run(mode, endpoint, group, events);
}

switch (mode)
{
    case "host":
    {
        HostApplicationBuilder builder = Host.CreateApplicationBuilder();
        builder.Logging.ClearProviders();
        builder.Logging.AddCloudWatch(Configure);
        using IHost host = builder.Build();
        await host.StartAsync();
        LogNumbered(host.Services.GetRequiredService<ILogger<Program>>());
        await host.WaitForShutdownAsync();
        host.Services.GetRequiredService<ILogger<Program>>().LogInformation("stopped by the host");
        return 0;
    }

    case "unhandled":
    {
        ILoggerFactory factory = LoggerFactory.Create(b => b.AddCloudWatch(Configure));
        ILogger logger = factory.CreateLogger("TestApp");
        AppDomain.CurrentDomain.UnhandledException += (_, e) => logger.LogCritical("dying of {Exception}", ((Exception)e.ExceptionObject).Message);
        LogNumbered(logger);
        var thread = new Thread(() => throw new InvalidOperationException("the unhandled exception"));
        thread.Start();
        thread.Join();
        return 0;
    }

    case "cancelkey":
    {
        using var stopped = new ManualResetEventSlim();
        Console.CancelKeyPress += (_, e) =>
        {
            e.Cancel = true;
            stopped.Set();
        };
        ILoggerFactory factory = LoggerFactory.Create(b => b.AddCloudWatch(Configure));
        ILogger logger = factory.CreateLogger("TestApp");
        LogNumbered(logger);
        stopped.Wait();
        logger.LogInformation("after ctrl-c, still logging");
        factory.Dispose();
        return 0;
    }

    case "exit":
    {
        ILoggerFactory factory = LoggerFactory.Create(b => b.AddCloudWatch(Configure));
        LogNumbered(factory.CreateLogger("TestApp"));
        return 0;
    }

    default:
    {
        ILoggerFactory factory = LoggerFactory.Create(b => b.AddCloudWatch(Configure));
        LogNumbered(factory.CreateLogger("TestApp"));
        Thread.Sleep(Timeout.Infinite);
        return 0;
    }
}
