//! Bringing a caseload in (`resettle import`): every row is checked first; one refused row is
//! named with its line and nothing is written; the same file without it loads the children,
//! whom the caseload then shows, each with a timeline entry saying they were imported.

use reqwest::StatusCode;
use resettle_cli::import::{ImportArgs, import};
use resettle_testkit::Backend;

use crate::support::{Yjs, caseload_total, on_every_backend};

on_every_backend!(an_import_with_a_bad_row_writes_nothing_and_names_it, a_json_import_can_leave_out_the_refused_rows);

fn file(name: &str, text: &str) -> anyhow::Result<std::path::PathBuf> {
    let dir = std::env::temp_dir().join(format!("resettle-import-{}", uuid::Uuid::new_v4().simple()));
    std::fs::create_dir_all(&dir)?;
    let path = dir.join(name);
    std::fs::write(&path, text)?;
    Ok(path)
}

fn args(w: &Yjs, from: std::path::PathBuf, dry_run: bool, partial: bool) -> ImportArgs {
    ImportArgs { db: resettle_cli::Db { database_url: w.t.db.url.clone(), config: None }, from, dry_run, partial }
}

const HEADER: &str = "given_name,family_name,preferred_name,date_of_birth,nhs_number,pnc_id,gender,ethnicity,\
first_language,legal_status,yjs_code,case_manager_email\n";

async fn an_import_with_a_bad_row_writes_nothing_and_names_it(b: Backend) -> anyhow::Result<()> {
    let w = Yjs::start(b).await?;
    let good = "Ivy,Import,,2010-04-02,943 476 5919,,female,White British,English,not_looked_after,YJS-A,casey.manager@yjs-a.example.org\n\
                Ike,Imported,Ikey,2009-11-30,,,,,,,yjs-a,\n";
    let bad = "Bea,Broken,,2010-02-30,,,,,,,YJS-A,\n";
    let children_before = w.t.db.count("children").await?;
    let with_bad = file("children.csv", &format!("{HEADER}{good}{bad}"))?;

    let err = import(&w.t.app, &args(&w, with_bad.clone(), false, false)).await.err().map(|e| e.to_string());
    let err = err.unwrap_or_default();
    assert!(err.contains("line 4"), "the bad row is named by its line: {err}");
    assert!(err.contains("date_of_birth"), "and its field: {err}");
    assert!(err.contains("nothing was imported"), "{err}");
    assert_eq!(w.t.db.count("children").await?, children_before, "one bad row: nothing written");

    // A dry run of the good rows writes nothing either.
    let only_good = file("children.csv", &format!("{HEADER}{good}"))?;
    let (report, said) = import(&w.t.app, &args(&w, only_good.clone(), true, false)).await?;
    assert_eq!(report.imported.len(), 2, "{said}");
    assert!(said.contains("Dry run"), "{said}");
    assert_eq!(w.t.db.count("children").await?, children_before);

    let (report, said) = import(&w.t.app, &args(&w, only_good.clone(), false, false)).await?;
    assert!(report.written && said.contains("Imported 2 children"), "{said}");
    assert_eq!(w.t.db.count("children").await?, children_before + 2);
    assert_eq!(w.t.db.count("timeline_entries WHERE kind = 'child.imported'").await?, 2);
    // The case manager named on a row is on the child's team, and the caseload shows both.
    assert_eq!(caseload_total(&w.api()).await?, 2);
    let browser = w.t.browser()?;
    browser.sign_in_ok("casey.manager@yjs-a.example.org").await?;
    let page = browser.get("/caseload?view=all").await?;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("Ivy") && page.body.contains("Ike"));
    // The case manager lands on the children named to them: Ike's row named nobody.
    let mine = browser.get("/caseload").await?;
    assert!(mine.body.contains("Ivy") && !mine.body.contains("Ike"), "{}", mine.body);

    // The same file again: the child with an NHS number is held already.
    let err =
        import(&w.t.app, &args(&w, only_good, false, false)).await.err().map(|e| e.to_string()).unwrap_or_default();
    assert!(err.contains("line 2") && err.contains("already held"), "{err}");
    // An unknown column is named before anything is read.
    let odd = file("children.csv", "given_name,shoe_size\nAl,9\n")?;
    let err = import(&w.t.app, &args(&w, odd, false, false)).await.err().map(|e| e.to_string()).unwrap_or_default();
    assert!(err.contains("unknown column \"shoe_size\""), "{err}");
    Ok(())
}

async fn a_json_import_can_leave_out_the_refused_rows(b: Backend) -> anyhow::Result<()> {
    let w = Yjs::start(b).await?;
    w.t.org("YOI-Z", "yoi").await?;
    let json = serde_json::json!([
        {"given_name": "Jo", "family_name": "Json", "date_of_birth": "2010-01-01", "yjs_code": "YJS-A"},
        {"given_name": "No", "family_name": "Service", "date_of_birth": "2010-01-01", "yjs_code": "YOI-Z"},
        {"given_name": "Un", "family_name": "Known", "date_of_birth": "2010-01-01", "yjs_code": "YJS-A",
         "case_manager_email": "nobody@yjs-a.example.org"}
    ]);
    let path = file("children.json", &json.to_string())?;
    let err =
        import(&w.t.app, &args(&w, path.clone(), false, false)).await.err().map(|e| e.to_string()).unwrap_or_default();
    assert!(err.contains("line 2: yjs_code: YOI-Z is not a youth justice service"), "{err}");
    assert!(err.contains("line 3: case_manager_email"), "{err}");
    assert_eq!(w.t.db.count("children").await?, 0);
    let (report, said) = import(&w.t.app, &args(&w, path, false, true)).await?;
    assert_eq!(report.imported.len(), 1, "{said}");
    assert_eq!(report.refused.len(), 2);
    assert_eq!(w.t.db.count("children").await?, 1);
    assert_eq!(
        w.t.db.count("audit_log WHERE resource = 'child' AND action = 'write' AND request_id = 'operator'").await?,
        1
    );
    Ok(())
}
