// The manifests of datasets/*.json at the repository root, carried in the package so that
// it needs no file system to list them. test/registry.test.ts checks they are equal.
import type { DatasetManifest } from './types.js';

/** Every data set of the paper, by name. */
export const DATASET_MANIFESTS: readonly DatasetManifest[] = [
  {
    "name": "mice-protein",
    "title": "Mice Protein Expression (Higuera et al. 2015)",
    "description": "Expression levels of 77 proteins (the *_N columns) measured in the nuclear fraction of mouse cortex: 1,080 measurements of 72 mice (15 per mouse), control and Ts65Dn (Down syndrome model) genotypes, saline or memantine treatment, context-shock or shock-context behaviour. 1,396 cells are empty (missing values).",
    "sources": [
      {
        "url": "https://archive.ics.uci.edu/dataset/342/mice+protein+expression",
        "description": "UCI Machine Learning Repository dataset 342 (the original .xls)"
      },
      {
        "url": "https://raw.githubusercontent.com/abidlabs/contrastive/master/experiments/datasets/Data_Cortex_Nuclear.csv",
        "description": "the CSV form used by the cPCA and bcNMF reference repositories (the file recorded below)"
      }
    ],
    "files": [
      {
        "path": "Data_Cortex_Nuclear.csv",
        "url": "https://raw.githubusercontent.com/abidlabs/contrastive/master/experiments/datasets/Data_Cortex_Nuclear.csv",
        "sha256": "5ec490ae48bf7f2eb958fd33ef5036e58a2933cc05e816064c0ea3b14ad3903b",
        "size": 1010613,
        "format": "csv",
        "description": "1,080 rows x (MouseID, 77 protein levels, Genotype, Treatment, Behavior, class); starts with a UTF-8 byte-order mark"
      }
    ],
    "checksums": "verified",
    "licence": "CC BY 4.0",
    "citation": "Higuera C, Gardiner KJ, Cios KJ (2015) Self-Organizing Feature Maps Identify Proteins Critical to Learning in a Mouse Model of Down Syndrome. PLoS ONE 10(6): e0129126. doi:10.1371/journal.pone.0129126",
    "split": {
      "target": "rows with class c-SC-s or t-SC-s (saline-injected, shock-context; control and Ts65Dn): 270 rows",
      "background": "rows with class c-CS-s (control, saline, context-shock): 135 rows",
      "labels": "Genotype of each target row (Control / Ts65Dn)",
      "preprocessing": "the 77 *_N protein columns; missing values filled with the column mean over the selected rows (target and background together)"
    },
    "loader": "loadMiceProtein"
  },
  {
    "name": "mnist-flowers",
    "title": "MNIST digits 0/1 on natural-image patches (bcNMF demo data)",
    "description": "784-pixel (28 x 28) images: 200 target images of handwritten 0/1 digits blended onto natural-image (flower/grass) patches, and 150 background images of the patches alone. Files are pixels x images.",
    "sources": [
      {
        "url": "https://github.com/li-lab-mcgill/bcnmf/tree/main/demo/demo_data",
        "description": "bcNMF reference repository, demo data"
      },
      {
        "url": "http://yann.lecun.com/exdb/mnist/",
        "description": "MNIST digits"
      }
    ],
    "files": [
      {
        "path": "target_images.csv",
        "url": "https://raw.githubusercontent.com/li-lab-mcgill/bcnmf/main/demo/demo_data/target_images.csv",
        "sha256": "0a4eceeebef9995ce867326a274f6df508b9e3e44ffaae4c9a03d6465e6a303f",
        "size": 1648340,
        "format": "csv",
        "description": "784 pixels (rows) x 200 images (columns target_0..target_199); first column the pixel index, first row the image names"
      },
      {
        "path": "background_images.csv",
        "url": "https://raw.githubusercontent.com/li-lab-mcgill/bcnmf/main/demo/demo_data/background_images.csv",
        "sha256": "e9edbf1e950a665d34415eb4fd0fc957664b3e393e302bb91b30574c7f104247",
        "size": 1240378,
        "format": "csv",
        "description": "784 pixels x 150 natural-image patches alone"
      },
      {
        "path": "target_labels.csv",
        "url": "https://raw.githubusercontent.com/li-lab-mcgill/bcnmf/main/demo/demo_data/target_labels.csv",
        "sha256": "ef34ec66b11af77f555ec398441456b3f5f40a4027efe4702e52be1668ea5148",
        "size": 2503,
        "format": "csv",
        "description": "sample,digit: the digit (0 or 1) of each target image"
      }
    ],
    "checksums": "verified",
    "licence": "MIT (bcNMF reference repository); digits from MNIST (LeCun, Cortes, Burges)",
    "citation": "Li Y, Yang AY, Li Y. Disentangling Shared and Target-Enriched Topics via Background-Contrastive Non-negative Matrix Factorization. arXiv:2602.22387 (2026)",
    "split": {
      "target": "the 200 images of target_images.csv (one row per image after transposing)",
      "background": "the 150 images of background_images.csv",
      "labels": "digit column of target_labels.csv, matched to the images by the sample name",
      "preprocessing": "none: pixel intensities as given"
    },
    "loader": "loadMnistFlowers",
    "notes": "The raw.githubusercontent.com URLs assume the reference repository's default branch is named main."
  },
  {
    "name": "zheng2017-leukemia",
    "title": "Leukemia: AML027 pre/post transplant and a healthy BMMC donor (Zheng et al. 2017, 10x Genomics)",
    "description": "Single-cell RNA-seq (10x Chromium, cellranger 1.1.0 filtered gene-barcode matrices, hg19) of bone-marrow mononuclear cells of patient AML027 before and after a stem-cell transplant, and of healthy donor 1.",
    "sources": [
      {
        "url": "https://www.10xgenomics.com/datasets/aml027-pre-transplant-1-standard-1-1-0",
        "description": "10x Genomics data set aml027_pre_transplant"
      },
      {
        "url": "https://www.10xgenomics.com/datasets/aml027-post-transplant-1-standard-1-1-0",
        "description": "10x Genomics data set aml027_post_transplant"
      },
      {
        "url": "https://www.10xgenomics.com/datasets/frozen-bmmc-healthy-donor-1-1-standard-1-1-0",
        "description": "10x Genomics data set frozen_bmmc_healthy_donor1"
      }
    ],
    "files": [
      {
        "path": "aml027_pre_transplant_filtered_gene_bc_matrices.tar.gz",
        "url": "https://cf.10xgenomics.com/samples/cell-exp/1.1.0/aml027_pre_transplant/aml027_pre_transplant_filtered_gene_bc_matrices.tar.gz",
        "sha256": "unknown-until-first-download",
        "format": "tar.gz",
        "unpackTo": "aml027_pre_transplant",
        "description": "filtered gene-barcode matrix (matrix.mtx, genes.tsv, barcodes.tsv under filtered_matrices_mex/hg19/)"
      },
      {
        "path": "aml027_post_transplant_filtered_gene_bc_matrices.tar.gz",
        "url": "https://cf.10xgenomics.com/samples/cell-exp/1.1.0/aml027_post_transplant/aml027_post_transplant_filtered_gene_bc_matrices.tar.gz",
        "sha256": "unknown-until-first-download",
        "format": "tar.gz",
        "unpackTo": "aml027_post_transplant",
        "description": "same layout, post-transplant sample"
      },
      {
        "path": "frozen_bmmc_healthy_donor1_filtered_gene_bc_matrices.tar.gz",
        "url": "https://cf.10xgenomics.com/samples/cell-exp/1.1.0/frozen_bmmc_healthy_donor1/frozen_bmmc_healthy_donor1_filtered_gene_bc_matrices.tar.gz",
        "sha256": "unknown-until-first-download",
        "format": "tar.gz",
        "unpackTo": "frozen_bmmc_healthy_donor1",
        "description": "same layout, healthy donor 1"
      }
    ],
    "checksums": "unknown-until-first-download",
    "licence": "10x Genomics public data sets (free to use; see the 10x Genomics terms of use); the data set pages state CC BY 4.0",
    "citation": "Zheng GXY et al. Massively parallel digital transcriptional profiling of single cells. Nature Communications 8:14049 (2017). doi:10.1038/ncomms14049",
    "split": {
      "target": "AML027 pre-transplant (3,933 cells) + post-transplant (3,965 cells)",
      "background": "healthy BMMC donor 1 (1,985 cells)",
      "labels": "pre / post of each target cell",
      "preprocessing": "genes aligned by gene id, protein-coding genes only (a gene list given to the loader), 3,000 Seurat-flavour HVGs of log1p(CP10K) computed on target and background together, log1p(CP10K) values"
    },
    "loader": "loadZheng2017",
    "notes": "The sha256 of the real archives is not recorded here (not known without downloading them); downloadDataset refuses anything that does not start as a gzip archive (an HTML login page, say) and keeps the archives unverified; with trustFirstDownload (bcnmf datasets download --trust-first-download) it records the sha256 it sees in checksums.json next to the data, and later loads and verify check against those. Unpack each archive into its unpackTo folder (tar xzf ARCHIVE -C <dataDir>/zheng2017-leukemia/<unpackTo>); the loader finds matrix.mtx below that folder and refuses files that are not 10x matrices."
  },
  {
    "name": "mcfarland2020-tp53",
    "title": "MIX-seq: idasanutlin vs DMSO in pooled cancer cell lines, TP53 status (McFarland et al. 2020)",
    "description": "Pooled single-cell RNA-seq of cancer cell lines (10x layout per experiment), 24 h after idasanutlin or DMSO; each cell is assigned its cell line in classifications.csv; TP53 status per cell line.",
    "sources": [
      {
        "url": "https://figshare.com/articles/dataset/MIX-seq_data/10298696",
        "description": "figshare collection of the MIX-seq data"
      },
      {
        "url": "https://ndownloader.figshare.com/files/18716351",
        "description": "figshare file 18716351: idasanutlin 24 h experiment"
      },
      {
        "url": "https://ndownloader.figshare.com/files/18716354",
        "description": "figshare file 18716354: DMSO 24 h experiment"
      }
    ],
    "files": [
      {
        "path": "idasanutlin_24hr.zip",
        "url": "https://ndownloader.figshare.com/files/18716351",
        "sha256": "unknown-until-first-download",
        "format": "zip",
        "unpackTo": "idasanutlin",
        "description": "idasanutlin 24 h: matrix.mtx, genes.tsv, barcodes.tsv and classifications.csv"
      },
      {
        "path": "dmso_24hr.zip",
        "url": "https://ndownloader.figshare.com/files/18716354",
        "sha256": "unknown-until-first-download",
        "format": "zip",
        "unpackTo": "dmso",
        "description": "DMSO 24 h: same layout"
      },
      {
        "path": "tp53_status.csv",
        "sha256": "unknown-until-first-download",
        "format": "csv",
        "optional": true,
        "description": "cell line -> TP53 status (columns: cell_line, TP53_status with values WT / MUT); not downloadable as is: compile it from the MIX-seq supplementary table or DepMap and put it here, or pass the table to the loader"
      }
    ],
    "checksums": "unknown-until-first-download",
    "licence": "CC BY 4.0 (figshare)",
    "citation": "McFarland JM et al. Multiplexed single-cell transcriptional response profiling to define cancer vulnerabilities and therapeutic mechanism of action. Nature Communications 11:4296 (2020). doi:10.1038/s41467-020-17440-w",
    "split": {
      "target": "idasanutlin-treated cells whose line has a known TP53 status (paper: 3,097 cells, 2,426 TP53-mutant and 671 wild-type)",
      "background": "DMSO cells (paper: 2,831)",
      "labels": "TP53 status (mutant / wild-type) of each target cell's line",
      "preprocessing": "genes aligned, log1p(CP10K), 10,000 Seurat-flavour HVGs"
    },
    "loader": "loadMcFarland2020",
    "notes": "The archive format of the figshare files (zip) and the exact file and column names inside are assumed from the reference's description (10x layout plus classifications.csv with columns barcode and singlet_ID); the loader checks them and refuses anything else. Downloads are refused unless they start as zip archives; no hash is recorded unless asked for (trustFirstDownload, bcnmf datasets download --trust-first-download: checksums.json)."
  },
  {
    "name": "maitra2023-mdd",
    "title": "Depression: snRNA-seq of dorsolateral prefrontal cortex, female MDD cases and controls (Maitra et al. 2023)",
    "description": "Single-nucleus RNA-seq of post-mortem dorsolateral prefrontal cortex of female donors with major depressive disorder and controls; the paper uses the astrocytes and oligodendrocytes of 4 case and 4 control donors.",
    "sources": [
      {
        "url": "https://www.ncbi.nlm.nih.gov/geo/query/acc.cgi?acc=GSE213982",
        "description": "GEO series of the female snRNA-seq data (accession to be confirmed against the paper's data-availability statement)"
      }
    ],
    "files": [
      {
        "path": "mdd.h5ad",
        "sha256": "unknown-until-first-download",
        "format": "h5ad",
        "description": "AnnData with raw counts in X (nuclei x genes) and obs columns donor, condition (Case / Control), celltype; built from the GEO count matrix and metadata (the reference's mdd_full.h5ad has this shape)"
      }
    ],
    "checksums": "unknown-until-first-download",
    "licence": "GEO public data (no licence stated; cite the paper)",
    "citation": "Maitra M et al. Cell type specific transcriptomic differences in depression show similar patterns between males and females but implicate distinct cell types and genes. Nature Communications 14:2912 (2023). doi:10.1038/s41467-023-38530-5",
    "split": {
      "target": "astrocyte and oligodendrocyte nuclei of the chosen 4 case and 4 control donors (paper: 1,147 nuclei, 615 case, 532 control)",
      "background": "the same control nuclei (532)",
      "labels": "case / control of each target nucleus",
      "preprocessing": "raw counts, 3,000 Seurat-flavour HVGs (computed on log1p(CP10K) of the target), values stay raw counts"
    },
    "loader": "loadMaitra2023",
    "notes": "No single downloadable file in this form exists: build mdd.h5ad from GEO (counts and cell metadata) with the obs columns named above, or pass other column names to the loader. Donor selection and cell-type names are loader options. No hash can be recorded here."
  },
];
