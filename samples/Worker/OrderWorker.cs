namespace Watchtower.Samples;

/// <summary>
/// The service's work: it processes a run of orders, logging each, says "ready", and then waits for more (until the
/// host stops it), as a long-running service does.
/// </summary>
public sealed class OrderWorker(ILogger<OrderWorker> logger, WorkerSettings settings, IHostApplicationLifetime lifetime) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        for (int order = 1; order <= settings.Orders; order++)
        {
            logger.LogInformation("Processed order {OrderId}", order);
        }

        // The delivery deadline is ten minutes: nothing has been sent yet. The host's shutdown delivers it all.
        await settings.Output.WriteLineAsync("ready");
        await settings.Output.FlushAsync(stoppingToken);
        if (settings.StopWhenDone)
        {
            lifetime.StopApplication();
            return;
        }

        await Task.Delay(Timeout.Infinite, stoppingToken).ContinueWith(_ => { }, TaskScheduler.Default);
    }
}
