//! Every page as a lazily loaded route. The browser's WebAssembly is split at these points
//! (`cargo leptos build --split`): the first load fetches the shell (layout, session,
//! router) and the code of the page's area, and each other area's code arrives when a link
//! first leads there. On the server a lazy route renders like any other.
//!
//! The split is by area, not by page. Each split point's code goes into its own file, and
//! the code two or more points share into one file per combination of points, so a point per
//! page (fourteen) made 236 files and up to 161 requests for one page, which cost more time
//! than the bytes they saved. Five areas make a handful of files per page.

use leptos::prelude::*;
use leptos_router::LazyRoute;

use super::{
    AccountPage, AuditPage, BuilderPage, ClusterDetailPage, ClustersPage, DeployerPage, HomePage,
    JobDetailPage, NewClusterPage, NotificationsPage, PeoplePage, SecretsPage, SignInPage,
    TokensPage,
};

/// A page of an area: which of the area's pages to render once its code has arrived.
#[derive(Clone, Copy, Debug)]
pub enum AreaPage {
    Home,
    SignIn,
    Clusters,
    NewCluster,
    ClusterDetail,
    JobDetail,
    Builder,
    Deployer,
    Secrets,
    Audit,
    People,
    Tokens,
    Notifications,
    Account,
}

/// The overview: the first page after signing in.
#[lazy]
fn overview_area(page: AreaPage) -> AnyView {
    match page {
        AreaPage::Home => HomePage().into_any(),
        _ => unreachable_page(page),
    }
}

/// The sign-in page, the first any person sees: nothing else with it.
#[lazy]
fn sign_in_area(page: AreaPage) -> AnyView {
    match page {
        AreaPage::SignIn => SignInPage().into_any(),
        _ => unreachable_page(page),
    }
}

/// Clusters and their jobs, which share their tables, badges, forms and log viewer.
#[lazy]
fn clusters_area(page: AreaPage) -> AnyView {
    match page {
        AreaPage::Clusters => ClustersPage().into_any(),
        AreaPage::NewCluster => NewClusterPage().into_any(),
        AreaPage::ClusterDetail => ClusterDetailPage().into_any(),
        AreaPage::JobDetail => JobDetailPage().into_any(),
        _ => unreachable_page(page),
    }
}

/// The builder and the deployer, which share their host views and job lists.
#[lazy]
fn machines_area(page: AreaPage) -> AnyView {
    match page {
        AreaPage::Builder => BuilderPage().into_any(),
        AreaPage::Deployer => DeployerPage().into_any(),
        _ => unreachable_page(page),
    }
}

/// Administration: secrets, the audit log, people, tokens, notifications, one's account.
#[lazy]
fn administration_area(page: AreaPage) -> AnyView {
    match page {
        AreaPage::Secrets => SecretsPage().into_any(),
        AreaPage::Audit => AuditPage().into_any(),
        AreaPage::People => PeoplePage().into_any(),
        AreaPage::Tokens => TokensPage().into_any(),
        AreaPage::Notifications => NotificationsPage().into_any(),
        AreaPage::Account => AccountPage().into_any(),
        _ => unreachable_page(page),
    }
}

/// Each route below asks its own area for its own page, so this never renders; it is a
/// plain message rather than a panic all the same.
fn unreachable_page(page: AreaPage) -> AnyView {
    format!("{page:?} is not a page of this area").into_any()
}

/// Declares each `$route`, rendering `$page` from the area loaded by `$area`; `$preload` is
/// the loader `#[lazy]` made for `$area` in the browser build (what `#[lazy_route]` calls
/// too). The router awaits it before hydrating the route: hydration needs the page's code
/// at hand, it cannot wait for it part way through.
macro_rules! lazy_routes {
    ($($route:ident => $area:ident($page:ident), $preload:ident;)*) => {$(
        #[doc = concat!("The ", stringify!($page), " page, loaded with its area by `", stringify!($area), "`.")]
        pub struct $route;

        impl LazyRoute for $route {
            fn data() -> Self {
                $route
            }

            async fn view(_this: Self) -> AnyView {
                $area(AreaPage::$page).await
            }

            async fn preload() {
                #[cfg(feature = "hydrate")]
                $preload().await;
            }
        }
    )*};
}

lazy_routes! {
    HomeRoute => overview_area(Home), __preload_overview_area;
    SignInRoute => sign_in_area(SignIn), __preload_sign_in_area;
    ClustersRoute => clusters_area(Clusters), __preload_clusters_area;
    NewClusterRoute => clusters_area(NewCluster), __preload_clusters_area;
    ClusterDetailRoute => clusters_area(ClusterDetail), __preload_clusters_area;
    JobDetailRoute => clusters_area(JobDetail), __preload_clusters_area;
    BuilderRoute => machines_area(Builder), __preload_machines_area;
    DeployerRoute => machines_area(Deployer), __preload_machines_area;
    SecretsRoute => administration_area(Secrets), __preload_administration_area;
    AuditRoute => administration_area(Audit), __preload_administration_area;
    PeopleRoute => administration_area(People), __preload_administration_area;
    TokensRoute => administration_area(Tokens), __preload_administration_area;
    NotificationsRoute => administration_area(Notifications), __preload_administration_area;
    AccountRoute => administration_area(Account), __preload_administration_area;
}
