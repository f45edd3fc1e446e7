package org.fanmail.admin;

import org.fanmail.list.UnknownEntityException;

/** A delivery site named in a request that no instance knows of and no backlog names: 404. */
final class UnknownSiteException extends UnknownEntityException {
  UnknownSiteException(String site) {
    super("no delivery site " + (site.length() > 200 ? site.substring(0, 200) + "..." : site));
  }
}
