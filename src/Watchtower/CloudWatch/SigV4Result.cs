namespace Watchtower.CloudWatch;

/// <summary>The parts of a signature, kept apart so that tests can compare each with AWS's vectors.</summary>
internal readonly record struct SigV4Result(string CanonicalRequest, string StringToSign, string SignedHeaders, string Signature, string Authorization);
