using Watchtower.CloudWatch;
using Watchtower.Diagnostics;

namespace Watchtower.Shipping;

/// <summary>
/// Makes the log group and streams exist as the options ask: the group with its tags and retention at startup,
/// a stream (or the group and a stream) when a put finds it missing. Least privilege is assumed: a refused
/// CreateLogGroup warns once and delivery goes on, since the group may exist. Failures warn; none throws but
/// cancellation at shutdown.
/// </summary>
internal sealed class LogGroupProvisioner : IDisposable
{
    private readonly CloudWatchLogsClient _client;
    private readonly string _logGroupName;
    private readonly bool _createLogGroup;
    private readonly bool _createLogStream;
    private readonly int? _retentionDays;
    private readonly Dictionary<string, string> _tags;
    private readonly ShippingLog _log;
    private readonly CancellationToken _cancellation;
    private readonly SemaphoreSlim _setupLock = new(1, 1);
    private bool _setupDone;
    private bool _accessDeniedReported;

    // Whether the startup work failed for a cause of the environment (no credentials, an unreachable or failing
    // endpoint) that the delivery path reports itself: the work is done again once a put has been accepted.
    private bool _deferred;

    public LogGroupProvisioner(CloudWatchLogsClient client, CloudWatchLogHandlerOptions options, ShippingLog log, CancellationToken cancellation)
    {
        _client = client;
        _logGroupName = options.LogGroupName;
        _createLogGroup = options.CreateLogGroup;
        _createLogStream = options.CreateLogStream;
        _retentionDays = options.LogGroupRetentionDays;
        _tags = new Dictionary<string, string>(options.LogGroupTags ?? new Dictionary<string, string>(), StringComparer.Ordinal);
        _log = log;
        _cancellation = cancellation;
    }

    /// <summary>Creates the stream, or the group and then the stream, after a put found either missing.</summary>
    /// <returns>True when the batch should be sent again; false when it cannot be delivered (creation not allowed or refused).</returns>
    /// <exception cref="CloudWatchLogsException">
    /// A retryable or access-denied failure of either call, for the sender to act on: the batch is kept and sent again
    /// later, because an outage while a group is re-created must not cost the events that found it missing.
    /// </exception>
    /// <param name="logGroupName">The stream's group: the handler's, or another that buffered events of an earlier process were meant for (created plain, without the handler's tags and retention, which are its own group's).</param>
    /// <param name="streamName">The stream.</param>
    /// <param name="notFound">What the put said.</param>
    public async Task<bool> TryCreateMissingAsync(string logGroupName, string streamName, CloudWatchLogsException notFound)
    {
        bool groupMissing = notFound.ServiceMessage.Contains("log group", StringComparison.OrdinalIgnoreCase);
        try
        {
            if (groupMissing)
            {
                if (!_createLogGroup)
                {
                    _log.GroupMissing();
                    return false;
                }

                await CreateGroupAsync(throwIfRetryable: true, logGroupName).ConfigureAwait(false);
            }

            if (!_createLogStream)
            {
                _log.StreamMissing(streamName);
                return false;
            }

            try
            {
                await _client.CreateLogStreamAsync(logGroupName, streamName, _cancellation).ConfigureAwait(false);
            }
            catch (CloudWatchLogsException e) when (e.Kind == CloudWatchErrorKind.ResourceNotFound && _createLogGroup && !groupMissing)
            {
                // The put said "stream", but the whole group is gone (deleted mid-run): create both.
                await CreateGroupAsync(throwIfRetryable: true, logGroupName).ConfigureAwait(false);
                await _client.CreateLogStreamAsync(logGroupName, streamName, _cancellation).ConfigureAwait(false);
            }

            return true;
        }
        catch (CloudWatchLogsException e) when (e.Kind == CloudWatchErrorKind.ResourceAlreadyExists)
        {
            return true;
        }
        catch (CloudWatchLogsException e) when (!e.IsRetryable && e.Kind != CloudWatchErrorKind.AccessDenied)
        {
            // Throttling, outages and refused credentials go back to the sender, which keeps the batch and tries later.
            _log.CreateStreamFailed(streamName, e);
            return false;
        }
    }

    /// <summary>Whether the startup work is done; false until it has run without a cause of the environment stopping it.</summary>
    public bool IsSetupDone => Volatile.Read(ref _setupDone);

    /// <summary>
    /// The startup work, done once by the sender (never in the constructor, never on the caller's thread):
    /// create the group with its tags, tag it if it existed, set its retention. Failures warn and do not stop
    /// delivery: the group may exist although we may not create it (least privilege).
    /// </summary>
    public async Task EnsureLogGroupAsync()
    {
        if (Volatile.Read(ref _setupDone))
        {
            return;
        }

        await _setupLock.WaitAsync().ConfigureAwait(false);
        try
        {
            if (_setupDone)
            {
                return;
            }

            _deferred = false;
            if (_createLogGroup)
            {
                await CreateGroupAsync(throwIfRetryable: false).ConfigureAwait(false);
            }
            else
            {
                await ApplyRetentionAsync().ConfigureAwait(false);
            }

            Volatile.Write(ref _setupDone, !_deferred);
        }
        finally
        {
            _setupLock.Release();
        }
    }

    /// <param name="throwIfRetryable">
    /// Whether throttling and transient failures of CreateLogGroup are thrown (when a put found the group missing, so
    /// that its batch is kept and retried) rather than only warned about (at startup, when the group may well exist).
    /// </param>
    /// <param name="otherGroup">Another group to create (plain: the tags and retention are the handler's group's), or null for the handler's.</param>
    private async Task CreateGroupAsync(bool throwIfRetryable, string? otherGroup = null)
    {
        if (otherGroup is not null && otherGroup != _logGroupName)
        {
            try
            {
                await _client.CreateLogGroupAsync(new CreateLogGroupRequest { LogGroupName = otherGroup }, _cancellation).ConfigureAwait(false);
            }
            catch (CloudWatchLogsException e) when (e.Kind == CloudWatchErrorKind.ResourceAlreadyExists)
            {
            }

            return;
        }

        bool created = false;
        try
        {
            await _client.CreateLogGroupAsync(new CreateLogGroupRequest { LogGroupName = _logGroupName, Tags = _tags.Count > 0 ? _tags : null }, _cancellation).ConfigureAwait(false);
            created = true;
        }
        catch (CloudWatchLogsException e) when (e.Kind == CloudWatchErrorKind.ResourceAlreadyExists)
        {
        }
        catch (CloudWatchLogsException e) when (!throwIfRetryable && IsEnvironmental(e))
        {
            // No credentials, or no answer: the delivery path says so, once, and this is done again later.
            _deferred = true;
            return;
        }
        catch (CloudWatchLogsException e) when (e.Kind == CloudWatchErrorKind.AccessDenied)
        {
            if (!_accessDeniedReported)
            {
                _accessDeniedReported = true;
                _log.CreateGroupDenied(e.ErrorCode);
            }
        }
        catch (CloudWatchLogsException e) when (!(throwIfRetryable && e.IsRetryable))
        {
            _log.CreateGroupFailed(e);
        }

        if (!created && _tags.Count > 0)
        {
            await TagExistingGroupAsync().ConfigureAwait(false);
        }

        await ApplyRetentionAsync().ConfigureAwait(false);
    }

    private async Task ApplyRetentionAsync()
    {
        if (_retentionDays is not { } days)
        {
            return;
        }

        try
        {
            await _client.PutRetentionPolicyAsync(_logGroupName, days, _cancellation).ConfigureAwait(false);
        }
        catch (CloudWatchLogsException e) when (IsEnvironmental(e))
        {
            _deferred = true;
        }
        catch (CloudWatchLogsException e)
        {
            _log.RetentionFailed(days, e);
        }
    }

    /// <summary>Tags a group that already existed: TagResource needs its ARN, whose account comes from the group's own ARN.</summary>
    private async Task TagExistingGroupAsync()
    {
        try
        {
            string? arn = null;
            await foreach (LogGroup group in _client.EnumerateLogGroupsAsync(new DescribeLogGroupsRequest { LogGroupNamePrefix = _logGroupName }, _cancellation).ConfigureAwait(false))
            {
                if (group.LogGroupName == _logGroupName)
                {
                    arn = GroupArnFrom(group);
                    break;
                }
            }

            if (arn is null)
            {
                _log.TagFailed("it was not found.");
                return;
            }

            await _client.TagResourceAsync(arn, _tags, _cancellation).ConfigureAwait(false);
        }
        catch (CloudWatchLogsException e)
        {
            _log.TagFailed(e.Message);
        }
    }

    /// <summary>The tagging ARN: partition from the client's region, account from the ARN the service gave (arn:partition:logs:region:account:...).</summary>
    private string? GroupArnFrom(LogGroup group)
    {
        string? described = group.LogGroupArn ?? group.Arn;
        string[]? parts = described?.Split(':');
        if (parts is not { Length: >= 5 } || parts[4].Length == 0)
        {
            return null;
        }

        return AwsEnvironment.LogGroupArn(_client.Region, parts[4], _logGroupName);
    }

    public void Dispose() => _setupLock.Dispose();

    /// <summary>A failure of the environment rather than of this request: missing credentials, no answer, a failing or throttling service.</summary>
    private static bool IsEnvironmental(CloudWatchLogsException e) =>
        e.ErrorCode == CredentialSource.MissingCredentialsCode || e.IsRetryable;
}
