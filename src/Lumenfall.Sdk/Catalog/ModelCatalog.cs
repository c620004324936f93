using System.Diagnostics.CodeAnalysis;

namespace Lumenfall.Sdk;

/// <summary>
/// Every model the SDK ships typed requests for. The entries are generated from the schemas in
/// <c>src/Lumenfall.Sdk/Schemas</c>; lookups accept the id or an alias, ignoring case.
/// </summary>
public static partial class ModelCatalog
{
    /// <summary>Gets every model, ordered by id.</summary>
    public static IReadOnlyList<ModelDescriptor> All => Models;

    /// <summary>Finds a model by id or alias, ignoring case.</summary>
    /// <param name="idOrAlias">For example <c>gpt-image-2</c>, <c>fal-ai/omnigen-v1</c> or <c>omnigen-v1</c>.</param>
    /// <param name="model">The model, when found.</param>
    /// <returns>Whether the model was found.</returns>
    public static bool TryGet(string idOrAlias, [NotNullWhen(true)] out ModelDescriptor? model)
    {
        ArgumentNullException.ThrowIfNull(idOrAlias);
        foreach (ModelDescriptor candidate in Models)
        {
            if (string.Equals(candidate.Id, idOrAlias, StringComparison.OrdinalIgnoreCase)
                || candidate.Aliases.Contains(idOrAlias, StringComparer.OrdinalIgnoreCase))
            {
                model = candidate;
                return true;
            }
        }

        model = null;
        return false;
    }

    /// <summary>Gets a model by id or alias, ignoring case.</summary>
    /// <param name="idOrAlias">For example <c>flux.2-dev</c>.</param>
    /// <returns>The model.</returns>
    /// <exception cref="KeyNotFoundException">No model has that id or alias; the message lists the known ids.</exception>
    public static ModelDescriptor Get(string idOrAlias) =>
        TryGet(idOrAlias, out ModelDescriptor? model)
            ? model
            : throw new KeyNotFoundException($"No model '{idOrAlias}' in the catalog. Known models: {string.Join(", ", Models.Select(m => m.Id))}.");
}
