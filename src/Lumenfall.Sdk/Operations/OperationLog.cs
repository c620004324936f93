namespace Lumenfall.Sdk;

/// <summary>One log line an operation produced.</summary>
/// <param name="Message">The text.</param>
/// <param name="Level">The level, for example <c>INFO</c>, when given.</param>
/// <param name="Timestamp">When it was written, when given.</param>
public sealed record OperationLog(string Message, string? Level = null, DateTimeOffset? Timestamp = null);
