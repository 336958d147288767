"""A resource directory built from the two bundled fixtures: the gaps account manages, the compliant one is a
member, and a third member has no role to assume."""

import copy

MGMT = "5184000000000001"  # the gaps fixture's account


def org_doc(gaps_doc, compliant_doc, unreachable="5184000000000099"):
    doc = copy.deepcopy(gaps_doc)
    member = copy.deepcopy(compliant_doc["accounts"][0])
    member["account_id"] = "5184000000000002"
    doc["accounts"].append(member)
    doc["fake"] = {
        "roles": [{"account_id": "5184000000000002", "name": "ResourceDirectoryAccountAccessRole",
                   "trusted_accounts": [MGMT]}],
        "resource_directory": {"management_account_id": MGMT, "accounts": [
            {"AccountId": MGMT, "DisplayName": "management", "Status": "CreateSuccess", "Type": "ResourceAccount"},
            {"AccountId": "5184000000000002", "DisplayName": "prod", "Status": "CreateSuccess",
             "Type": "ResourceAccount"},
            {"AccountId": unreachable, "DisplayName": "no-role", "Status": "CreateSuccess",
             "Type": "ResourceAccount"}]},
    }
    return doc
