namespace Lumenfall.Sdk;

/// <summary>
/// A request broke one or more rules: found by the SDK before anything was sent, or reported by the service
/// (for example fal's 422 field errors). <see cref="Errors"/> lists every broken rule.
/// </summary>
public class LumenfallValidationException : LumenfallException
{
    /// <summary>Creates the exception from the broken rules.</summary>
    /// <param name="errors">At least one error.</param>
    /// <exception cref="ArgumentException"><paramref name="errors"/> is empty.</exception>
    public LumenfallValidationException(IReadOnlyList<ValidationError> errors)
        : base(FormatMessage(errors))
    {
        Errors = errors;
    }

    /// <summary>Creates the exception from the broken rules, with the request's model for context.</summary>
    /// <param name="errors">At least one error.</param>
    /// <param name="modelId">The model the request was for.</param>
    public LumenfallValidationException(IReadOnlyList<ValidationError> errors, string? modelId)
        : base(FormatMessage(errors, modelId))
    {
        Errors = errors;
    }

    /// <summary>Creates the exception from rules a service reported broken, with the service's own message.</summary>
    internal LumenfallValidationException(IReadOnlyList<ValidationError> errors, string message, bool fromService)
        : base(message)
    {
        _ = fromService;
        Errors = errors;
    }

    /// <summary>Gets every broken rule, in parameter order.</summary>
    public IReadOnlyList<ValidationError> Errors { get; }

    /// <summary>Gets the wire name of the first offending parameter.</summary>
    public string? ParameterName => Errors.Count > 0 ? Errors[0].ParameterName : null;

    /// <summary>Gets the name of the first broken rule (see <see cref="ValidationRule"/>).</summary>
    public string? Rule => Errors.Count > 0 ? Errors[0].Rule : null;

    private static string FormatMessage(IReadOnlyList<ValidationError> errors, string? modelId = null)
    {
        ArgumentNullException.ThrowIfNull(errors);
        if (errors.Count == 0)
        {
            throw new ArgumentException("At least one validation error is required.", nameof(errors));
        }

        string subject = modelId is null ? "The request" : $"The {modelId} request";
        return errors.Count == 1
            ? $"{subject} is invalid: {errors[0].ParameterName}: {errors[0].Message} (rule: {errors[0].Rule})."
            : $"{subject} is invalid ({errors.Count} problems): " + string.Join("; ", errors.Select(e => $"{e.ParameterName}: {e.Message} (rule: {e.Rule})")) + ".";
    }
}
