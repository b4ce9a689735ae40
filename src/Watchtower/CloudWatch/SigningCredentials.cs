namespace Watchtower.CloudWatch;

/// <summary>The access key, secret and optional session token that one request is signed with.</summary>
internal readonly record struct SigningCredentials(string AccessKeyId, string SecretAccessKey, string? SessionToken)
{
    // Never print the secret or the token, even by accident through a record's generated ToString.
    public override string ToString() => $"SigningCredentials {{ AccessKeyId = {AccessKeyId} }}";
}
