namespace Lumenfall.Sdk;

/// <summary>One broken rule: which parameter, which rule, and a sentence a person can act on.</summary>
/// <param name="ParameterName">The parameter's wire name, for example <c>n</c> or <c>image_size.width</c>.</param>
/// <param name="Rule">The rule's name, one of <see cref="ValidationRule"/>'s constants (or a provider's own error type).</param>
/// <param name="Message">What is wrong and what is allowed.</param>
public sealed record ValidationError(string ParameterName, string Rule, string Message);
