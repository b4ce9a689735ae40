namespace Watchtower.Shipping;

/// <summary>
/// One PutLogEvents attempt for a batch's body: the request and, when CloudWatch says the stream (or group) is missing,
/// its creation and the same request again. Only I/O: it never throws (every ending is an <see cref="AttemptResult"/>),
/// counts nothing and touches no state of the sender's; the loop acts on what it returns.
/// </summary>
internal sealed class BatchAttempt
{
    // A missing stream (or group) is created and the batch sent again at most this many times per attempt.
    private const int MaxCreateAttempts = 2;

    private readonly CloudWatchLogsClient _client;
    private readonly LogGroupProvisioner _provisioner;
    private readonly CancellationToken _abort;

    /// <param name="client">What sends.</param>
    /// <param name="provisioner">What creates a missing stream or group.</param>
    /// <param name="abort">Cancelled when shutdown runs out of time.</param>
    public BatchAttempt(CloudWatchLogsClient client, LogGroupProvisioner provisioner, CancellationToken abort)
    {
        _client = client;
        _provisioner = provisioner;
        _abort = abort;
    }

    public async Task<AttemptResult> SendAsync(ReadOnlyMemory<byte> body, string logGroupName, string streamName)
    {
        int recreated = 0;
        try
        {
            while (true)
            {
                try
                {
                    PutLogEventsResponse response = await _client.PutLogEventsOnceAsync(body, _abort).ConfigureAwait(false);
                    return new AttemptResult(AttemptOutcome.Stored, Rejected: response.RejectedLogEventsInfo, Recreated: recreated);
                }
                catch (CloudWatchLogsException e) when (e.Kind == CloudWatchErrorKind.ResourceNotFound && recreated < MaxCreateAttempts)
                {
                    // A throttled or failing creation throws, and is a failure of this attempt like any other.
                    if (!await _provisioner.TryCreateMissingAsync(logGroupName, streamName, e).ConfigureAwait(false))
                    {
                        return new AttemptResult(AttemptOutcome.CannotCreate, Error: e, Recreated: recreated);
                    }

                    recreated++;
                }
            }
        }
        catch (CloudWatchLogsException e)
        {
            return new AttemptResult(AttemptOutcome.Failed, Error: e, Recreated: recreated);
        }
        catch (OperationCanceledException) when (_abort.IsCancellationRequested)
        {
            return AttemptResult.Abandoned;
        }
        catch (Exception e)
        {
            // Not an error the client knows (the HTTP stack has surprised us before).
            return new AttemptResult(AttemptOutcome.Unexpected, Unexpected: e, Recreated: recreated);
        }
    }
}
