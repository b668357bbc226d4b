using System.Linq.Expressions;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Pilotdeck.Data.Tenancy;

/// <summary>
/// How a tenant-owned row names its parent: by the pair (tenant, parent id), referencing the
/// parent's (tenant_id, id) (docs/adr/0023-tenant-scoped-foreign-keys.md). The database then refuses
/// a child whose parent belongs to another tenant, one index serves both the tenant's queries and
/// the key, and the row reaches the tenants table through its parent, with one key check per
/// insert instead of two.
/// </summary>
internal static class TenantParentKeys
{
    /// <summary>The foreign key is (TenantId, <paramref name="parentId"/>) → the parent's (TenantId, Id).</summary>
    public static ReferenceCollectionBuilder<TParent, TChild> HasForeignKeyWithinTenant<TParent, TChild>(
        this ReferenceCollectionBuilder<TParent, TChild> relation, Expression<Func<TChild, string?>> parentId)
        where TParent : class, ITenantOwned
        where TChild : class, ITenantOwned
    {
        var parentIdName = ((MemberExpression)parentId.Body).Member.Name;
        return relation
            .HasForeignKey(nameof(ITenantOwned.TenantId), parentIdName)
            .HasPrincipalKey(nameof(ITenantOwned.TenantId), "Id");
    }

    /// <summary>Whether the entity names a parent through the tenant (so it needs no key of its own to the tenants table).</summary>
    public static bool HasParentWithinTenant(this EntityTypeBuilder entity) =>
        entity.Metadata.GetForeignKeys().Any(key => key.Properties.Any(p => p.Name == nameof(ITenantOwned.TenantId)));
}
